// Command escalate is the Lambda function the escalation schedules invoke
// (EventBridge Scheduler, timer/schedtimer): one escalation step per
// deadline, and the schedule of the next one. See handler.go.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/tierline/tierline/functions/internal/boot"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/policy/awssecrets"
	"github.com/tierline/tierline/shared/store/dynamo"
	"github.com/tierline/tierline/shared/timer"
	"github.com/tierline/tierline/shared/timer/schedtimer"
)

// config is the function's environment (template.yaml sets it).
type config struct {
	table  string
	config string // the tierline config, in the bundle
	timers schedtimer.Target
}

func readConfig(env *boot.Env) (config, error) {
	c := config{table: env.Need("TABLE_NAME"), config: env.Need("TIERLINE_CONFIG"), timers: boot.TimerTarget(env)}
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

	schedules := boot.Scheduler(aws)
	e := &escalator{
		desk: &desk.Service{
			Store:  dynamo.New(dynamodb.NewFromConfig(aws), cfg.table),
			Config: policy,
			Log:    log,
		},
		schedules: func(function string) timer.Timer {
			to := cfg.timers
			to.Function = function
			return schedtimer.New(schedules, to)
		},
	}
	lambda.Start(e.handle)
}
