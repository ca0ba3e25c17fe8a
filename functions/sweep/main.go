// Command sweep is the scheduled Lambda function that repairs what the
// stream, the tier queues or the escalation timers lost: every few minutes
// it runs the late escalation steps and resends the hand-offs nobody
// received, and logs each tier's unresolved tickets as CloudWatch
// metrics. See handler.go.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tierline/tierline/functions/internal/boot"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/policy/awssecrets"
	"github.com/tierline/tierline/shared/queue/sqsqueue"
	"github.com/tierline/tierline/shared/store/dynamo"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/schedtimer"
)

// config is the function's environment (template.yaml sets it).
type config struct {
	table  string
	config string                 // the tierline config, in the bundle
	queues map[ticket.Tier]string // queue URL of each tier
	timers schedtimer.Target      // where the escalation schedules go
	stage  string                 // the stack's Stage, the metrics' dimension
}

func readConfig(env *boot.Env) (config, error) {
	c := config{table: env.Need("TABLE_NAME"), config: env.Need("TIERLINE_CONFIG"),
		stage: env.Need("TIERLINE_STAGE"), queues: map[ticket.Tier]string{
			ticket.L1: env.Need("QUEUE_URL_L1"), ticket.L2: env.Need("QUEUE_URL_L2"), ticket.L3: env.Need("QUEUE_URL_L3")},
		timers: boot.TimerTarget(env)}
	c.timers.Function = env.Need("ESCALATE_FUNCTION_ARN")
	return c, env.Err()
}

func main() {
	log := boot.Logger()
	cfg, err := readConfig(boot.Environ())
	boot.Must(log, err)
	aws, err := boot.AWS(context.Background())
	boot.Must(log, err)
	policy, err := boot.Config(context.Background(), cfg.config, awssecrets.NewFromConfig(aws))
	boot.Must(log, err)

	tickets := dynamo.New(dynamodb.NewFromConfig(aws), cfg.table)
	s := &sweeper{
		desk: &desk.Service{
			Store:  tickets,
			Config: policy,
			Queue:  sqsqueue.New(sqs.NewFromConfig(aws), cfg.queues),
			Timer:  schedtimer.New(boot.Scheduler(aws), cfg.timers),
			Log:    log,
		},
		suspects:   tickets.Suspects,
		unresolved: tickets.Unresolved,
		stage:      cfg.stage,
		log:        log,
	}
	lambda.Start(s.handle)
}
