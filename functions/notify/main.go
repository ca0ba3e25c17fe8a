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
	"github.com/tierline/tierline/shared/actionlink"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/notify"
	"github.com/tierline/tierline/shared/policy/awssecrets"
	"github.com/tierline/tierline/shared/store/dynamo"
	"github.com/tierline/tierline/shared/ticket"
)

// config is the function's environment (template.yaml sets it).
type config struct {
	table   string
	config  string                 // the tierline config, in the bundle
	baseURL string                 // the API's URL, for links when the config has no base_url
	topics  map[ticket.Tier]string // the SNS topic of each tier
}

func readConfig(env *boot.Env) (config, error) {
	c := config{table: env.Need("TABLE_NAME"), config: env.Need("TIERLINE_CONFIG"), baseURL: env.Need("TIERLINE_BASE_URL"),
		topics: map[ticket.Tier]string{ticket.L1: env.Need("TOPIC_ARN_L1"), ticket.L2: env.Need("TOPIC_ARN_L2"), ticket.L3: env.Need("TOPIC_ARN_L3")}}
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
	if policy.BaseURL == "" {
		policy.BaseURL = cfg.baseURL // the config's base_url (a custom domain) wins
	}

	n := &notifier{log: log, desk: &desk.Service{
		Store:  dynamo.New(dynamodb.NewFromConfig(aws), cfg.table),
		Config: policy,
		Notifier: &notify.Deliverer{BaseURL: policy.BaseURL, Log: log, SNS: sns.NewFromConfig(aws), Topics: cfg.topics,
			Signer: actionlink.New(policy.ActionLinks.Secret, policy.ActionLinks.Expire)},
		Log: log,
	}}
	lambda.Start(n.handle)
}
