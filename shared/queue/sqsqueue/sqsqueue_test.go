package sqsqueue_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/queue/queuetest"
	"github.com/tierline/tierline/shared/queue/sqsqueue"
	"github.com/tierline/tierline/shared/ticket"
)

var ctx = context.Background()

// Queue attributes of the test queues, as the template sets them for real
// ones (there: a longer visibility timeout).
const (
	visibility  = 2 * time.Second
	maxReceives = 2
)

var queues atomic.Int64

// Queues is one tier queue with its dead-letter queue per tier, made in
// fauxqs the way the template makes them in SQS.
type Queues struct {
	Main, Dead map[ticket.Tier]string // queue URLs
}

// MustCreateQueues creates fresh queues for each tier in the SQS at client:
// a dead-letter queue, and a main queue with the visibility timeout and a
// redrive policy to it after maxReceives receives.
func MustCreateQueues(t testing.TB, client *sqs.Client) Queues {
	t.Helper()
	n := queues.Add(1)
	q := Queues{Main: map[ticket.Tier]string{}, Dead: map[ticket.Tier]string{}}
	for _, tier := range ticket.Tiers {
		name := fmt.Sprintf("tierline-%d-%s", n, tier)
		dead, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name + "-dlq")})
		if err != nil {
			t.Fatalf("CreateQueue: %v", err)
		}
		attrs, err := client.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: dead.QueueUrl,
			AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameQueueArn}})
		if err != nil {
			t.Fatalf("GetQueueAttributes: %v", err)
		}
		redrive, _ := json.Marshal(map[string]string{"deadLetterTargetArn": attrs.Attributes[string(types.QueueAttributeNameQueueArn)],
			"maxReceiveCount": strconv.Itoa(maxReceives)})
		main, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{
			string(types.QueueAttributeNameVisibilityTimeout): strconv.Itoa(int(visibility.Seconds())),
			string(types.QueueAttributeNameRedrivePolicy):     string(redrive),
		}})
		if err != nil {
			t.Fatalf("CreateQueue: %v", err)
		}
		q.Main[tier], q.Dead[tier] = *main.QueueUrl, *dead.QueueUrl
	}
	return q
}

// deadLetters reads the notices in a dead-letter queue, waiting a little
// for the first, without deleting them.
func deadLetters(client *sqs.Client, url string) ([]ticket.Notice, error) {
	out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
	if err != nil {
		return nil, err
	}
	var ns []ticket.Notice
	for _, m := range out.Messages {
		n, err := sqsqueue.Decode(aws.ToString(m.Body))
		if err != nil {
			return nil, err
		}
		ns = append(ns, n)
	}
	return ns, nil
}

func TestContract(t *testing.T) {
	client := awstest.SQSClient(awstest.Fauxqs(t))
	queuetest.Run(t, func(t *testing.T) queuetest.Harness {
		q := MustCreateQueues(t, client)
		return queuetest.Harness{
			Queue:       sqsqueue.New(client, q.Main),
			Visibility:  visibility,
			MaxReceives: maxReceives,
			DeadLetters: func(ctx context.Context, tier ticket.Tier) ([]ticket.Notice, error) {
				return deadLetters(client, q.Dead[tier])
			},
		}
	})
}
