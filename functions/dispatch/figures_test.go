package main

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"math"
	"net/http"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/shared/ticket"
)

// emfCounts are the count metrics of a figures line, in their order.
var emfCounts = []string{"Entered", "Resolved", "Escalated", "Reopened", "AcknowledgeBreaches", "ResolveBreaches"}

// captureFigures makes dispatch log JSON into a buffer, as Lambda's JSON
// log format would carry it, under Stage "test".
func captureFigures(w *world) *bytes.Buffer {
	var buf bytes.Buffer
	w.d.log = slog.New(slog.NewJSONHandler(&buf, nil))
	w.d.stage = "test"
	return &buf
}

// figureLines returns the "stream figures" lines of a log by tier, after
// checking each is a valid EMF document: namespace tierline, dimensions
// [Stage, Tier], the timestamp of the batch, and every metric it declares
// present at its root (counts as numbers, durations as arrays).
func figureLines(t *testing.T, log *bytes.Buffer, at time.Time) map[string]map[string]any {
	t.Helper()
	out := map[string]map[string]any{}
	for _, line := range bytes.Split(log.Bytes(), []byte("\n")) {
		var m map[string]any
		if json.Unmarshal(line, &m) != nil || m["msg"] != "stream figures" {
			continue
		}
		var doc struct {
			Timestamp         int64
			CloudWatchMetrics []struct {
				Namespace  string
				Dimensions [][]string
				Metrics    []struct{ Name, Unit string }
			}
		}
		b, _ := json.Marshal(m["_aws"])
		if err := json.Unmarshal(b, &doc); err != nil || len(doc.CloudWatchMetrics) != 1 {
			t.Fatalf("line %s: _aws is not one EMF directive (%v)", line, err)
		}
		d := doc.CloudWatchMetrics[0]
		if doc.Timestamp != at.UnixMilli() || d.Namespace != "tierline" || !reflect.DeepEqual(d.Dimensions, [][]string{{"Stage", "Tier"}}) ||
			m["Stage"] != "test" {
			t.Fatalf("line %s: want namespace tierline, dimensions [[Stage Tier]], Stage test, timestamp %d", line, at.UnixMilli())
		}
		for _, def := range d.Metrics {
			v, ok := m[def.Name]
			_, isList := v.([]any)
			switch count := slices.Contains(emfCounts, def.Name); {
			case count && (def.Unit != "Count" || !ok || isList || v == 0.0):
				t.Fatalf("line %s: metric %+v = %v, want a Count that moved", line, def, v)
			case !count && (def.Unit != "Seconds" || !isList):
				t.Fatalf("line %s: metric %+v = %v, want a duration in Seconds, an array", line, def, v)
			}
		}
		for _, name := range emfCounts {
			if _, declared := m[name]; declared != slices.ContainsFunc(d.Metrics, func(m struct{ Name, Unit string }) bool { return m.Name == name }) {
				t.Fatalf("line %s: %s is at the root but not declared, or declared and missing", line, name)
			}
		}
		delete(m, "time") // slog's, not the metrics'
		tier, _ := m["Tier"].(string)
		if out[tier] != nil {
			t.Fatalf("two lines of tier %q in one batch", tier)
		}
		out[tier] = m
	}
	return out
}

// sameFigures checks a line's values: the counts in want (the others
// zero) and the durations in seconds.
func sameFigures(t *testing.T, tier string, got map[string]any, want map[string]float64, durations map[string][]float64) {
	t.Helper()
	if got == nil {
		t.Fatalf("no figures line for %s", tier)
	}
	for _, name := range emfCounts {
		n, _ := got[name].(float64) // absent: zero
		if n != want[name] {
			t.Errorf("%s %s = %v, want %v", tier, name, got[name], want[name])
		}
	}
	for _, name := range []string{"TimeToAcknowledge", "TimeToResolve"} {
		var values []float64
		if l, ok := got[name].([]any); ok {
			for _, v := range l {
				values = append(values, v.(float64))
			}
		}
		if !reflect.DeepEqual(values, durations[name]) {
			t.Errorf("%s %s = %v, want %v", tier, name, got[name], durations[name])
		}
	}
}

// Ensure the sample batch (TicketA created at L1, escalated to L2 by its
// timer, TicketB created at L2, TicketA resolved at L2 a minute after its
// creation, TicketA's head removed) logs one EMF line for L1 and one for
// L2, none for L3, with each tier's counts and the time to resolve; and
// that the batch delivered again counts again (CloudWatch's figures are
// at least once; /v1/metrics' are exact).
func TestFiguresOfABatch(t *testing.T) {
	w := newWorld(t)
	log := captureFigures(w)
	ev := w.sample(t)
	if got := w.call(t, ev); len(got) != 0 {
		t.Fatalf("failed records %v", got)
	}
	lines := figureLines(t, log, w.Now)
	if len(lines) != 2 || lines["L3"] != nil {
		t.Fatalf("figures lines for %v, want L1 and L2 only", keys(lines))
	}
	sameFigures(t, "L1", lines["L1"], map[string]float64{"Entered": 1, "Escalated": 1, "AcknowledgeBreaches": 1}, nil)
	sameFigures(t, "L2", lines["L2"], map[string]float64{"Entered": 2, "Resolved": 1}, map[string][]float64{"TimeToResolve": {60}})

	log.Reset()
	if got := w.call(t, ev); len(got) != 0 {
		t.Fatalf("redelivered batch: failed records %v", got)
	}
	if again := figureLines(t, log, w.Now); !reflect.DeepEqual(again, lines) {
		t.Fatalf("redelivered batch logs %v, want the same lines again %v", again, lines)
	}
}

// Ensure an acknowledgement at the tier a ticket was created at has its
// exact time to acknowledge, and one after an escalation, whose tier's
// entry the head does not hold, logs no line (it counts nothing the line
// carries).
func TestFiguresOfAcknowledgements(t *testing.T) {
	w := newWorld(t)
	w.sample(t)
	log := captureFigures(w)
	cfg := lambdatest.Config(t)
	step := func(seq string, at time.Time, fn func(tk *ticket.Ticket) error) events.DynamoDBEventRecord {
		old := head(t, w.World, lambdatest.TicketB)
		if _, err := w.Tickets.Update(ctx, lambdatest.TicketB, fn); err != nil {
			t.Fatal(err)
		}
		return streamRecord(t, "MODIFY", old, head(t, w.World, lambdatest.TicketB), lambdatest.TicketB, seq, at)
	}
	acked := lambdatest.At.Add(90 * time.Second)
	ack := step("400000000000000020000", acked, func(tk *ticket.Ticket) error {
		return tk.Acknowledge("bob", cfg.Deadlines("", ticket.L2), acked)
	})
	if got := w.call(t, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{ack}}); len(got) != 0 {
		t.Fatalf("failed records %v", got)
	}
	lines := figureLines(t, log, w.Now)
	if len(lines) != 1 {
		t.Fatalf("figures lines for %v, want L2's", keys(lines))
	}
	sameFigures(t, "L2", lines["L2"], nil, map[string][]float64{"TimeToAcknowledge": {90}})

	at := acked.Add(time.Minute)
	up := step("400000000000000020100", at, func(tk *ticket.Ticket) error {
		return tk.Escalate(ticket.Escalation{To: ticket.L3, Actor: "bob", Manual: true, Note: "needs the database team",
			At: at, Deadlines: cfg.Deadlines("", ticket.L3)})
	})
	again := step("400000000000000020200", at.Add(time.Minute), func(tk *ticket.Ticket) error {
		return tk.Acknowledge("carol", cfg.Deadlines("", ticket.L3), at.Add(time.Minute))
	})
	log.Reset()
	if got := w.call(t, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{up}}); len(got) != 0 {
		t.Fatalf("failed records %v", got)
	}
	lines = figureLines(t, log, w.Now)
	sameFigures(t, "L2", lines["L2"], map[string]float64{"Escalated": 1}, nil)
	sameFigures(t, "L3", lines["L3"], map[string]float64{"Entered": 1}, nil)
	log.Reset()
	if got := w.call(t, events.DynamoDBEvent{Records: []events.DynamoDBEventRecord{again}}); len(got) != 0 {
		t.Fatalf("failed records %v", got)
	}
	if lines := figureLines(t, log, w.Now); len(lines) != 0 {
		t.Fatalf("acknowledgement at L3 after an escalation logs %v, want no line", lines)
	}
}

// Ensure the records Lambda delivers again, the one reported failed and
// those after it, are not counted before they are done.
func TestFiguresSkipRecordsRetried(t *testing.T) {
	w := newWorld(t)
	log := captureFigures(w)
	ev := w.sample(t)
	w.Timers.Outage.Fail(http.StatusInternalServerError, "InternalServerException")
	if got := w.call(t, ev); len(got) != 1 || got[0] != ev.Records[0].Change.SequenceNumber {
		t.Fatalf("failed records %v, want the first", got)
	}
	if lines := figureLines(t, log, w.Now); len(lines) != 0 {
		t.Fatalf("figures %v logged for records Lambda delivers again", lines)
	}
}

// Ensure a batch larger than EMF allows values of one metric logs at most
// 100 durations of it, and that a change counting nothing logs nothing.
func TestFiguresLineLimits(t *testing.T) {
	created := lambdatest.At
	var b batchFigures
	for i := range 150 {
		tk := &ticket.Ticket{ID: "t", Tier: ticket.L1, Status: ticket.StatusResolved, CreatedAt: created,
			ResolvedAt: created.Add(time.Duration(i+1) * time.Second), UpdatedAt: created}
		b.add(ticket.Change{New: tk})
	}
	attrs := b[ticket.L1].emf(lambdatest.At, "test", ticket.L1)
	for i := 0; i < len(attrs); i += 2 {
		if attrs[i] == "TimeToResolve" {
			if n := len(attrs[i+1].([]float64)); n != emfMaxValues {
				t.Fatalf("TimeToResolve holds %d values, want %d", n, emfMaxValues)
			}
		}
	}
	if b[ticket.L1].Entered != 150 || math.Abs(b[ticket.L1].resolve[149]-150) > 1e-9 {
		t.Fatalf("L1 counted %+v", b[ticket.L1].Counts)
	}
	var none batchFigures
	none.add(ticket.Change{Old: &ticket.Ticket{Tier: ticket.L2, Status: ticket.StatusResolved}, New: &ticket.Ticket{Tier: ticket.L2, Status: ticket.StatusResolved}})
	if !none[ticket.L2].empty() {
		t.Fatalf("a note on a resolved ticket counts %+v", none[ticket.L2])
	}
}

func keys(m map[string]map[string]any) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// emfLineBytes bounds a tier's figures line of one change, as Lambda's
// JSON log format carries it (its own fields included): the cost bill of
// functions/cost_test.go counts one such line per counted change.
const emfLineBytes = 500

// Ensure a tier's line of one change fits emfLineBytes, so that the bill
// that prices the lines stays true.
func TestFiguresLineBytes(t *testing.T) {
	created := lambdatest.At
	tk := &ticket.Ticket{ID: "d2172v35edevj1", Tier: ticket.L1, Status: ticket.StatusResolved, CreatedAt: created,
		ResolvedAt: created.Add(45 * time.Minute), UpdatedAt: created}
	var b batchFigures
	b.add(ticket.Change{Old: &ticket.Ticket{ID: tk.ID, Tier: ticket.L1, Status: ticket.StatusAcknowledged, CreatedAt: created}, New: tk})
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("stream figures",
		append(b[ticket.L1].emf(lambdatest.At, "prod", ticket.L1), "requestId", "3f1c2a9e-6b2d-4c1e-9a7f-2d4e8b1c0f5a")...)
	if n := buf.Len(); n > emfLineBytes {
		t.Fatalf("a line of one change is %d bytes, over the %d the cost bill counts:\n%s", n, emfLineBytes, buf.Bytes())
	}
	t.Logf("%d bytes: %s", buf.Len(), buf.Bytes())
}
