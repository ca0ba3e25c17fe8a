package main

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/notify"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

var ctx = context.Background()

// world is the notify function's stand-ins: the tickets table on minidyn
// and, on fauxqs, the three tier topics named as the template names them,
// each with an SQS queue subscribed (raw) as its inbox.
type world struct {
	*lambdatest.World
	Fauxqs string
	SNS    *sns.Client
	SQS    *sqs.Client
	Topics map[ticket.Tier]string // topic ARNs on fauxqs
	Inbox  map[ticket.Tier]string // queue URLs
	Config *policy.Config
	n      *notifier
}

func newWorld(t *testing.T, cfg *policy.Config) *world {
	t.Helper()
	w := &world{World: lambdatest.NewWorld(t, "NotifyFunction"), Fauxqs: awstest.Fauxqs(t), Config: cfg,
		Topics: map[ticket.Tier]string{}, Inbox: map[ticket.Tier]string{}}
	w.SNS = sns.New(sns.Options{Region: awstest.Region, BaseEndpoint: aws.String(w.Fauxqs), Credentials: awstest.Credentials,
		Retryer: awstest.Retryer(), APIOptions: w.APIOptions()})
	w.SQS = awstest.SQSClient(w.Fauxqs)
	for _, tier := range ticket.Tiers {
		arn := w.Env["TOPIC_ARN_"+tier.String()] // arn:…:tierline-L1Topic: the name is the last field
		name := arn[strings.LastIndex(arn, ":")+1:]
		topic, err := w.SNS.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		w.Topics[tier] = aws.ToString(topic.TopicArn)
		w.Inbox[tier] = w.subscribe(t, w.Topics[tier], name+"-inbox")
	}
	w.Calls.Reset()
	w.Counter.Reset()
	log := slog.New(slog.NewJSONHandler(io.Discard, nil))
	w.n = &notifier{log: log, desk: &desk.Service{Store: w.Tickets, Config: cfg, Log: log,
		Notifier: &notify.Deliverer{BaseURL: "https://tierline.example", SNS: w.SNS, Topics: w.Topics, Log: log,
			Attempts: 1, Sleep: func(context.Context, time.Duration) error { return nil }}}}
	return w
}

func (w *world) subscribe(t *testing.T, topic, queue string) string {
	t.Helper()
	q, err := w.SQS.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(queue)})
	if err != nil {
		t.Fatal(err)
	}
	attrs, err := w.SQS.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = w.SNS.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
		Endpoint: aws.String(attrs.Attributes["QueueArn"]), Attributes: map[string]string{"RawMessageDelivery": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	return aws.ToString(q.QueueUrl)
}

// received drains a tier's inbox and returns how many hand-offs it held.
func (w *world) received(t *testing.T, tier ticket.Tier, wait int32) int {
	t.Helper()
	n := 0
	for {
		out, err := w.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(w.Inbox[tier]),
			MaxNumberOfMessages: 10, WaitTimeSeconds: wait})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			return n
		}
		n += len(out.Messages)
		for _, m := range out.Messages {
			if _, err := w.SQS.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(w.Inbox[tier]), ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
		wait = 1
	}
}

// seed stores the tickets the sample batch points at: TicketA escalated to
// L2 (hand-off 2) and TicketB created at L2 (hand-off 1).
func (w *world) seed(t *testing.T) {
	t.Helper()
	f := lambdatest.Fixture{Store: w.Tickets, Config: w.Config}
	f.CreateA(t)
	f.EscalateA(t)
	f.CreateB(t)
	w.Calls.Reset()
	w.Counter.Reset()
	w.Capacity.Take()
}
