// Command escalate is the Lambda function behind the escalation state
// machine's task (infra/escalation.asl.json): one escalation step per
// deadline. See handler.go.
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
	cfg, err := boot.Config(configPath)
	boot.Must(log, err)
	aws, err := boot.AWS(context.Background())
	boot.Must(log, err)

	e := &escalator{desk: &desk.Service{
		Store:  dynamo.New(dynamodb.NewFromConfig(aws), table),
		Config: cfg,
		Log:    log,
	}}
	lambda.Start(e.handle)
}
