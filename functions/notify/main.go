// Command notify is the Lambda function on the three tier queues: it
// delivers each hand-off to the on-call channels of its tier (the tier's SNS
// topic, webhooks) and records the delivery. See handler.go.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/tierline/tierline/functions/internal/boot"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/notify"
	"github.com/tierline/tierline/shared/store/dynamo"
	"github.com/tierline/tierline/shared/ticket"
)

func main() {
	log := boot.Logger()
	env := boot.Environ()
	table := env.Need("TABLE_NAME")
	configPath := env.Need("TIERLINE_CONFIG")
	baseURL := env.Need("TIERLINE_BASE_URL")
	topics := map[ticket.Tier]string{
		ticket.L1: env.Need("TOPIC_ARN_L1"),
		ticket.L2: env.Need("TOPIC_ARN_L2"),
		ticket.L3: env.Need("TOPIC_ARN_L3"),
	}
	boot.Must(log, env.Err())
	cfg, err := boot.Config(configPath)
	boot.Must(log, err)
	if cfg.BaseURL == "" {
		cfg.BaseURL = baseURL // the config's base_url (a custom domain) wins
	}
	aws, err := boot.AWS(context.Background())
	boot.Must(log, err)

	n := &notifier{log: log, desk: &desk.Service{
		Store:    dynamo.New(dynamodb.NewFromConfig(aws), table),
		Config:   cfg,
		Notifier: &notify.Deliverer{BaseURL: cfg.BaseURL, Log: log, SNS: sns.NewFromConfig(aws), Topics: topics},
		Log:      log,
	}}
	lambda.Start(n.handle)
}
