// Command dispatch is the Lambda function on the tickets table's stream:
// each stored change becomes hand-offs on the tier queues (SQS) and
// escalation timers started or stopped (Step Functions). See handler.go.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sfn"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tierline/tierline/functions/internal/boot"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/queue/sqsqueue"
	"github.com/tierline/tierline/shared/store/dynamo"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/sfntimer"
)

func main() {
	log := boot.Logger()
	env := boot.Environ()
	table := env.Need("TABLE_NAME")
	queues := map[ticket.Tier]string{
		ticket.L1: env.Need("QUEUE_URL_L1"),
		ticket.L2: env.Need("QUEUE_URL_L2"),
		ticket.L3: env.Need("QUEUE_URL_L3"),
	}
	machine := env.Need("STATE_MACHINE_ARN")
	boot.Must(log, env.Err())
	aws, err := boot.AWS(context.Background())
	boot.Must(log, err)

	tickets := dynamo.New(dynamodb.NewFromConfig(aws), table)
	d := &dispatcher{
		desk: &desk.Service{
			Store: tickets,
			Queue: sqsqueue.New(sqs.NewFromConfig(aws), queues),
			Timer: sfntimer.New(sfn.NewFromConfig(aws), machine),
			Log:   log,
		},
		purge: tickets.Purge,
		log:   log,
	}
	lambda.Start(d.handle)
}
