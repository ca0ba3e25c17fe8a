// Command api is the Lambda function behind the HTTP API: webhooks, forms
// and the ticket API, one DynamoDB write per alert. See handler.go.
package main

import (
	"context"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/tierline/tierline/functions/internal/boot"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/store/dynamo"
)

func main() {
	log := boot.Logger()
	env := boot.Environ()
	table := env.Need("TABLE_NAME")
	configPath := env.Need("TIERLINE_CONFIG")
	boot.Must(log, env.Err())
	cfg, err := boot.Config(configPath) // read once, at cold start
	boot.Must(log, err)
	aws, err := boot.AWS(context.Background())
	boot.Must(log, err)

	d := &desk.Service{Store: dynamo.New(dynamodb.NewFromConfig(aws), table), Config: cfg, Log: log}
	h, err := newHandler(d, cfg, log)
	boot.Must(log, err)
	lambda.Start(h)
}
