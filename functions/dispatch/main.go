// Command dispatch is the Lambda function on the tickets table's stream:
// each stored change becomes hand-offs on the tier queues (SQS) and
// escalation timers started or stopped (EventBridge Scheduler), and each
// batch's tier figures are logged as CloudWatch metrics. Records it
// cannot process go to the parking queue, and invoked with {"replay": {}}
// it feeds them back. See handler.go, figures.go, park.go and replay.go.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tierline/tierline/functions/internal/boot"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/queue/sqsqueue"
	"github.com/tierline/tierline/shared/store/dynamo"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/schedtimer"
)

// config is the function's environment (template.yaml sets it).
type config struct {
	table   string
	queues  map[ticket.Tier]string // queue URL of each tier
	timers  schedtimer.Target      // where the escalation schedules go
	parking string                 // the queue of records dispatch gave up on
	stage   string                 // the stack's Stage, the metrics' dimension
}

func readConfig(env *boot.Env) (config, error) {
	c := config{table: env.Need("TABLE_NAME"), parking: env.Need("PARKING_QUEUE_URL"), stage: env.Need("TIERLINE_STAGE"),
		queues: map[ticket.Tier]string{ticket.L1: env.Need("QUEUE_URL_L1"), ticket.L2: env.Need("QUEUE_URL_L2"), ticket.L3: env.Need("QUEUE_URL_L3")},
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

	tickets := dynamo.New(dynamodb.NewFromConfig(aws), cfg.table)
	queues := sqs.NewFromConfig(aws)
	d := &dispatcher{
		desk: &desk.Service{
			Store: tickets,
			Queue: sqsqueue.New(queues, cfg.queues),
			Timer: schedtimer.New(boot.Scheduler(aws), cfg.timers),
			Log:   log,
		},
		purge:   tickets.Purge,
		parking: &parking{sqs: queues, url: cfg.parking},
		stage:   cfg.stage,
		log:     log,
	}
	lambda.Start(d.invoke)
}
