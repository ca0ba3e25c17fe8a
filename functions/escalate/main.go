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
	"github.com/tierline/tierline/shared/policy/awssecrets"
	"github.com/tierline/tierline/shared/store/dynamo"
)

// config is the function's environment (template.yaml sets it).
type config struct {
	table  string
	config string // the tierline config, in the bundle
}

func readConfig(env *boot.Env) (config, error) {
	c := config{table: env.Need("TABLE_NAME"), config: env.Need("TIERLINE_CONFIG")}
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

	e := &escalator{desk: &desk.Service{
		Store:  dynamo.New(dynamodb.NewFromConfig(aws), cfg.table),
		Config: policy,
		Log:    log,
	}}
	lambda.Start(e.handle)
}
