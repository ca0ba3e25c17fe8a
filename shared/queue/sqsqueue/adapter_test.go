package sqsqueue_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/queue"
	"github.com/tierline/tierline/shared/queue/sqsqueue"
	"github.com/tierline/tierline/shared/ticket"
)

func notices(n int, tier ticket.Tier) []ticket.Notice {
	out := make([]ticket.Notice, n)
	for i := range out {
		out[i] = ticket.Notice{TicketID: fmt.Sprintf("0c7g2m4x9k%04d", i), Tier: tier, Seq: 1}
	}
	return out
}

// TestAdapter runs the adapter's own cases against one fauxqs.
func TestAdapter(t *testing.T) {
	endpoint := awstest.Fauxqs(t)
	counted := func(c *awstest.Counter) *sqs.Client {
		return awstest.SQSClient(endpoint, func(o *sqs.Options) { o.APIOptions = append(o.APIOptions, c.Middleware()) })
	}

	// Ensure sends and deletes go out in batches of at most ten per tier,
	// and a receive asks for at most ten messages however many are wanted.
	t.Run("batches_of_ten", func(t *testing.T) {
		var c awstest.Counter
		client := counted(&c)
		q := sqsqueue.New(client, MustCreateQueues(t, client).Main)
		c.Reset()
		if err := q.Send(ctx, append(notices(25, ticket.L3), notices(3, ticket.L1)...)...); err != nil {
			t.Fatal(err)
		}
		if got := c.Take(); got["SQS.SendMessageBatch"] != 4 || len(got) != 1 {
			t.Fatalf("25 L3 and 3 L1 notices took %v, want 4 SendMessageBatch calls", got)
		}
		all := receiveAll(t, q, ticket.L3, 25)
		if len(all) != 25 {
			t.Fatalf("received %d of 25", len(all))
		}
		if got, err := q.Receive(ctx, ticket.L1, 50, 0); err != nil || len(got) != 3 {
			t.Fatalf("Receive(L1, 50) = %d messages, %v; want the 3 sent", len(got), err)
		}
		c.Reset()
		if err := q.Delete(ctx, all...); err != nil {
			t.Fatal(err)
		}
		if got := c.Take(); got["SQS.DeleteMessageBatch"] != 3 || len(got) != 1 {
			t.Fatalf("deleting 25 took %v, want 3 DeleteMessageBatch calls", got)
		}
	})

	// Ensure a body that is not a notice is not handed out, and the
	// redrive policy moves it to the dead-letter queue.
	t.Run("poison_message_goes_to_the_dead_letters", func(t *testing.T) {
		client := awstest.SQSClient(endpoint)
		qs := MustCreateQueues(t, client)
		q := sqsqueue.New(client, qs.Main)
		if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(qs.Main[ticket.L2]), MessageBody: aws.String("not a notice")}); err != nil {
			t.Fatal(err)
		}
		good := notices(1, ticket.L2)[0]
		if err := q.Send(ctx, good); err != nil {
			t.Fatal(err)
		}
		got := receiveAll(t, q, ticket.L2, 1)
		if len(got) != 1 || got[0].Notice != good {
			t.Fatalf("Receive = %+v, want only %v", got, good)
		}
		if err := q.Delete(ctx, got...); err != nil {
			t.Fatal(err)
		}
		for range maxReceives { // the first receive was receiveAll's
			time.Sleep(visibility + visibility/2)
			if got, err := q.Receive(ctx, ticket.L2, 10, 0); err != nil || len(got) != 0 {
				t.Fatalf("Receive = %+v, %v; want nothing", got, err)
			}
		}
		out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(qs.Dead[ticket.L2]), WaitTimeSeconds: 1})
		if err != nil || len(out.Messages) != 1 || aws.ToString(out.Messages[0].Body) != "not a notice" {
			t.Fatalf("dead letters = %+v, %v; want the poison message", out, err)
		}
	})

	// Ensure a queue URL that names no queue is a configuration error
	// (Internal), and a tier without a URL is refused before any call.
	t.Run("missing_queue_is_internal", func(t *testing.T) {
		client := awstest.SQSClient(endpoint)
		q := sqsqueue.New(client, map[ticket.Tier]string{ticket.L1: endpoint + "/000000000000/no-such-queue"})
		for name, err := range map[string]error{
			"send to a missing queue":      q.Send(ctx, notices(1, ticket.L1)...),
			"send to a tier without a URL": q.Send(ctx, notices(1, ticket.L2)...),
			"receive from a missing queue": func() error { _, err := q.Receive(ctx, ticket.L1, 1, 0); return err }(),
		} {
			if ticket.ErrorCode(err) != ticket.Internal {
				t.Errorf("%s: %v (code %q), want code internal", name, err, ticket.ErrorCode(err))
			}
		}
	})
}

// receiveAll receives from tier until n messages came (or 5 s passed),
// asking for more than ten at a time. Each receive waits a second, half
// the visibility timeout, so no message comes twice.
func receiveAll(t *testing.T, q queue.Queue, tier ticket.Tier, n int) []queue.Delivery {
	t.Helper()
	var all []queue.Delivery
	for end := time.Now().Add(5 * time.Second); len(all) < n && time.Now().Before(end); {
		got, err := q.Receive(ctx, tier, 50, time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) > 10 {
			t.Fatalf("Receive(50) gave %d messages, more than SQS's ten", len(got))
		}
		all = append(all, got...)
	}
	return all
}

// Ensure a batch SQS accepts in part returns an error naming each notice
// it refused, with SQS's reason, after the rest went through; and that
// throttling and server errors, after the SDK's retries, are Unavailable.
// fauxqs cannot refuse single entries on demand (it even deletes with a
// bogus receipt handle without complaint), so a small hand-written
// endpoint answers here as SQS does.
func TestBatchFailuresAreNamed(t *testing.T) {
	const partial = `{"Successful":[{"Id":"0","MessageId":"m0","MD5OfMessageBody":"x"}],"Failed":[{"Id":"1","Code":"InternalError","Message":"try again","SenderFault":false}]}`
	ds := []queue.Delivery{{Notice: notices(2, ticket.L1)[0], Receipt: "r0"}, {Notice: notices(2, ticket.L1)[1], Receipt: "r1"}}
	send := func(q *sqsqueue.Queue) error { return q.Send(ctx, notices(2, ticket.L1)...) }
	del := func(q *sqsqueue.Queue) error { return q.Delete(ctx, ds...) }
	tests := []struct {
		name   string
		op     func(q *sqsqueue.Queue) error
		status int
		body   string
		code   ticket.Code
		says   []string
	}{
		{"send_one_entry_refused", send, 200, partial, ticket.Unavailable,
			[]string{"1 of 2 notices not sent", "0c7g2m4x9k0001.1: InternalError try again"}},
		{"delete_one_entry_refused", del, 200, partial, ticket.Unavailable,
			[]string{"1 of 2 messages not deleted", "0c7g2m4x9k0001.1: InternalError try again"}},
		{"send_throttled", send, 400, `{"__type":"com.amazonaws.sqs#RequestThrottled","message":"slow down"}`, ticket.Unavailable, []string{"send 2 notices to L1"}},
		{"send_server_error", send, 500, `{"__type":"com.amazonaws.sqs#InternalError","message":"oops"}`, ticket.Unavailable, []string{"send 2 notices to L1"}},
		{"delete_server_error", del, 500, `{"__type":"com.amazonaws.sqs#InternalError","message":"oops"}`, ticket.Unavailable, []string{"delete 2 messages from L1"}},
		{"send_refused", send, 400, `{"__type":"com.amazonaws.sqs#InvalidParameterValue","message":"no"}`, ticket.Internal, []string{"send 2 notices to L1"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/x-amz-json-1.0")
				w.WriteHeader(tc.status)
				fmt.Fprint(w, tc.body)
			}))
			defer srv.Close()
			// The SDK checks the MD5 of what SQS says it stored; this
			// endpoint stores nothing.
			client := awstest.SQSClient(srv.URL, func(o *sqs.Options) { o.DisableMessageChecksumValidation = true })
			err := tc.op(sqsqueue.New(client, map[ticket.Tier]string{ticket.L1: srv.URL + "/000000000000/l1"}))
			if ticket.ErrorCode(err) != tc.code {
				t.Fatalf("error %v (code %q), want code %q", err, ticket.ErrorCode(err), tc.code)
			}
			for _, s := range tc.says {
				if !strings.Contains(err.Error(), s) {
					t.Errorf("error %q does not say %q", err, s)
				}
			}
		})
	}
}
