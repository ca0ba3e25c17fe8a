package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/internal/awstest"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/queue/sqsqueue"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/schedtimer"
)

var ctx = context.Background()

const sampleFile = "sweep-schedule.json"

// sweepConfig has deadlines of minutes, so that a story can have late and
// timely tickets side by side.
const sweepConfig = `
integrations: [{name: prometheus, kind: generic, token: sweep-token}]
routes: [{match: {severity: critical}, tier: L2, priority: P1}]
policies:
  default:
    L1: {acknowledge: 15m, resolve: 4h}
    L2: {acknowledge: 30m, resolve: 8h}
    L3: {acknowledge: 1h, resolve: 24h}
channels: {L1: [{kind: sns}], L2: [{kind: sns}], L3: [{kind: sns}]}
`

// world is the sweep function's stand-ins: the tickets table on minidyn,
// the tier queues on fauxqs and the schedule group on moto_server, named
// as the template names them, and the function's log.
type world struct {
	*lambdatest.World
	Fauxqs string
	Queues map[ticket.Tier]string
	Timers *lambdatest.Timers
	Now    time.Time
	Log    *syncBuffer
	f      lambdatest.Fixture
	s      *sweeper
}

func newWorld(t *testing.T) *world {
	t.Helper()
	cfg, err := policy.Parse("sweep.yaml", []byte(sweepConfig))
	if err != nil {
		t.Fatal(err)
	}
	w := &world{World: lambdatest.NewWorld(t, "SweepFunction"), Fauxqs: awstest.Fauxqs(t), Queues: map[ticket.Tier]string{},
		Log: &syncBuffer{}}
	w.Timers = w.NewTimers(t)
	q := awstest.SQSClient(w.Fauxqs, func(o *sqs.Options) { o.APIOptions = append(o.APIOptions, w.APIOptions()...) })
	for _, tier := range ticket.Tiers {
		u := w.Env["QUEUE_URL_"+tier.String()]
		out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(u[strings.LastIndex(u, "/")+1:])})
		if err != nil {
			t.Fatal(err)
		}
		w.Queues[tier] = aws.ToString(out.QueueUrl)
	}
	log := slog.New(slog.NewJSONHandler(w.Log, nil))
	clock := func() time.Time { return w.Now }
	w.f = lambdatest.Fixture{Store: w.Tickets, Config: cfg}
	w.s = &sweeper{suspects: w.Tickets.Suspects, unresolved: w.Tickets.Unresolved, stage: "test", log: log, now: clock, desk: &desk.Service{
		Store: w.Tickets, Config: cfg, Log: log, Now: clock, Queue: sqsqueue.New(q, w.Queues),
		Timer: w.Timers.Timer}}
	return w
}

// story stores six tickets, as of 25 minutes after lambdatest.At:
// TicketA at L1, its hand-off delivered, its acknowledge deadline 10
// minutes gone and no escalation (a lost timer); TicketB at L2, and one
// ticket at L1 and one at L3, whose hand-offs were never delivered (lost
// messages); a fresh one, made a minute ago; and a resolved one.
func (w *world) story(t *testing.T) (fresh, resolved string) {
	t.Helper()
	w.f.CreateA(t)
	if _, err := w.Tickets.Update(ctx, lambdatest.TicketA, func(tk *ticket.Ticket) error {
		tk.RecordDelivery(1, "sns", lambdatest.At.Add(time.Second))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	w.f.CreateB(t)
	w.trigger(t, "lost-l1", ticket.L1, lambdatest.At.Add(10*time.Minute))
	w.trigger(t, "lost-l3", ticket.L3, lambdatest.At)
	w.Now = lambdatest.At.Add(25 * time.Minute)
	fresh = w.trigger(t, "fresh", ticket.L1, w.Now.Add(-time.Minute))
	resolved = w.trigger(t, "gone", ticket.L1, lambdatest.At)
	if _, err := w.Tickets.Update(ctx, resolved, func(tk *ticket.Ticket) error {
		return tk.Resolve("ann", "fixed", lambdatest.At.Add(time.Minute))
	}); err != nil {
		t.Fatal(err)
	}
	w.Calls.Reset()
	w.Counter.Reset()
	return fresh, resolved
}

func (w *world) trigger(t *testing.T, key string, tier ticket.Tier, at time.Time) string {
	t.Helper()
	tk, err := w.Tickets.Upsert(ctx, "prometheus", key, func(*ticket.Ticket) (*ticket.Ticket, error) {
		id, err := ticket.NewID(at, strings.NewReader(strings.Repeat(key, 8)))
		if err != nil {
			return nil, err
		}
		return ticket.New(id, "prometheus", ticket.Signal{Action: ticket.Trigger, DedupKey: key, Title: key}, ticket.Placement{Tier: tier,
			Deadlines: w.f.Config.Deadlines("", tier)}, nil, at)
	})
	if err != nil {
		t.Fatal(err)
	}
	return tk.ID
}

// sweep invokes the function with the sample scheduled event.
func (w *world) sweep(t *testing.T) (result, error) {
	t.Helper()
	lambdatest.Decode[events.EventBridgeEvent](t, lambdatest.Event(t, sampleFile))
	out, err := lambda.NewHandler(w.s.handle).Invoke(ctx, lambdatest.Event(t, sampleFile))
	if err != nil {
		return result{}, err
	}
	var r result
	if err := json.Unmarshal(out, &r); err != nil {
		t.Fatal(err)
	}
	return r, nil
}

// queued drains a tier queue and returns its notices as "ticket.seq".
func (w *world) queued(t *testing.T, tier ticket.Tier) []string {
	t.Helper()
	var keys []string
	for {
		out, err := awstest.SQSClient(w.Fauxqs).ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(w.Queues[tier]),
			MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			sort.Strings(keys)
			return keys
		}
		for _, m := range out.Messages {
			n, err := sqsqueue.Decode(aws.ToString(m.Body))
			if err != nil {
				t.Fatal(err)
			}
			keys = append(keys, n.Key())
		}
	}
}

// Ensure a sweep finds the two tickets that are late and only those, runs
// the lost timer's escalation step and starts the timer again, resends
// the lost hand-off and records that, leaves the others alone, reports it
// all as metrics, and that a second sweep right after finds nothing.
func TestSweep(t *testing.T) {
	w := newWorld(t)
	fresh, _ := w.story(t)
	before, _ := w.Tickets.Get(ctx, fresh)
	res, err := w.sweep(t)
	if err != nil {
		t.Fatal(err)
	}
	if want := (result{Suspects: 4, Stepped: 1, Restarted: 1, Resent: 3}); res != want {
		t.Fatalf("sweep = %+v, want %+v", res, want)
	}
	t.Logf("REPORT sweep of 4 suspects among 6 tickets: %s (%s)", w.Counter.String(), w.Capacity.String())
	if a, _ := w.Tickets.Get(ctx, lambdatest.TicketA); a.Tier != ticket.L2 {
		t.Fatalf("TicketA at %s, want escalated to L2 by the sweep", a.Tier)
	}
	want := schedtimer.Input{TicketID: lambdatest.TicketA, Clock: 1, At: time.Date(2026, 11, 23, 9, 55, 0, 0, time.UTC)}
	if got := w.Timers.Pending(t, ""); len(got) != 1 || got[0] != want {
		t.Fatalf("schedules %+v, want TicketA's timer started again for L2's deadline: %+v", got, want)
	}
	if got := w.queued(t, ticket.L2); len(got) != 1 || got[0] != lambdatest.TicketB+".1" {
		t.Fatalf("L2 queue %v, want TicketB's hand-off resent (TicketA's new one is dispatch's to send)", got)
	}
	for _, tier := range []ticket.Tier{ticket.L1, ticket.L3} {
		if got := w.queued(t, tier); len(got) != 1 {
			t.Fatalf("%s queue %v, want the lost hand-off resent", tier, got)
		}
	}
	b, _ := w.Tickets.Get(ctx, lambdatest.TicketB)
	if last := b.Timeline[len(b.Timeline)-1]; last.Kind != ticket.EventResent || last.Notice != 1 {
		t.Fatalf("TicketB's last event %+v, want the resend", last)
	}
	if after, _ := w.Tickets.Get(ctx, fresh); after.Version != before.Version {
		t.Fatalf("the fresh ticket was written (version %d → %d); want it left alone", before.Version, after.Version)
	}
	metrics := w.metricLine(t)
	if metrics["Repairs"] != 4.0 || metrics["Suspects"] != 4.0 || metrics["Stage"] != "test" || metrics["_aws"] == nil {
		t.Fatalf("metrics line %v, want Repairs 4 of Suspects 4 in the embedded metric format", metrics)
	}
	w.ReadSecrets(t) // the cold start's reads of the config's secrets
	lambdatest.CheckPolicies(t, "SweepFunction", w.Calls.List())

	w.Counter.Reset()
	w.Capacity.Take()
	if res, err := w.sweep(t); err != nil || res != (result{}) {
		t.Fatalf("second sweep = %+v, %v; want nothing found", res, err)
	}
	t.Logf("REPORT sweep that finds nothing (every run of a healthy stack): %s (%s)", w.Counter.String(), w.Capacity.String())
}

// Ensure a repair that fails (the timer service is down, after the step
// escalated the ticket) fails the run after the other repairs were made;
// and that the ticket whose timer was not started again is stepped by
// the sweep once its next deadline is late in turn.
func TestSweepFailure(t *testing.T) {
	w := newWorld(t)
	w.story(t)
	w.Timers.Outage.Fail(http.StatusInternalServerError, "InternalServerException")
	if _, err := w.sweep(t); err == nil || !strings.Contains(err.Error(), "1 of 4 repairs failed") {
		t.Fatalf("sweep error %v, want the failed repair reported", err)
	}
	if m := w.metricLine(t); m["RepairsFailed"] != 1.0 || m["HandOffsResent"] != 3.0 {
		t.Fatalf("metrics %v, want the failed repair counted and the others made", m)
	}
	w.Timers.Outage.Fail(0, "")
	w.Now = w.Now.Add(30*time.Minute + ticket.SweepGrace) // L2's acknowledge deadline, late
	res, err := w.sweep(t)
	if err != nil || res.Stepped < 1 || res.Restarted < 1 {
		t.Fatalf("sweep past L2's deadline = %+v, %v; want TicketA stepped and its timer started", res, err)
	}
	if a, _ := w.Tickets.Get(ctx, lambdatest.TicketA); a.Tier != ticket.L3 {
		t.Fatalf("TicketA at %s, want L3", a.Tier)
	}
}

// metricLine returns the last "sweep done" line of the function's log.
func (w *world) metricLine(t *testing.T) map[string]any {
	t.Helper()
	var last map[string]any
	for _, line := range bytes.Split([]byte(w.Log.String()), []byte("\n")) {
		var m map[string]any
		if json.Unmarshal(line, &m) == nil && m["msg"] == "sweep done" {
			last = m
		}
	}
	if last == nil {
		t.Fatalf("no metrics line in the log:\n%s", w.Log.String())
	}
	return last
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}
func (s *syncBuffer) String() string { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }
