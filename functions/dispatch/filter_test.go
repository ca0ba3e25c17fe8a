package main

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure the stream filter of dispatch's event source (template.yaml)
// passes exactly the records that ask dispatch for something: the heads
// whose change has effects, and heads removed (dispatch purges their
// timelines), and none of the records that cannot cause work: a repeat
// counted on the dedup item, a milestone or a delivery recorded on the
// head, timeline events, dedup items, a request's journal. The records are
// the sample batch and the ones the adapter's own writes make (each item
// before and after each step of a story, as DynamoDB Streams would carry
// them). The filter is matched by the rules of Lambda's event filtering
// for DynamoDB (see match): nothing that runs here evaluates real filters.
func TestStreamFilterPassesOnlyWork(t *testing.T) {
	patterns := filterPatterns(t)
	var recs []events.DynamoDBEventRecord
	sample := lambdatest.Decode[events.DynamoDBEvent](t, lambdatest.Event(t, sampleFile))
	recs = append(recs, sample.Records...)
	recs = append(recs, storyRecords(t)...)

	passed := 0
	for _, r := range recs {
		name := fmt.Sprintf("%s %s %s", r.EventName, r.Change.Keys["pk"].String(), r.Change.Keys["sk"].String())
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		var record map[string]any
		if err := json.Unmarshal(b, &record); err != nil {
			t.Fatal(err)
		}
		got := false
		for _, p := range patterns {
			got = got || match(p, record)
		}
		rec := read(r)
		if rec.err != nil {
			t.Fatalf("%s: %v", name, rec.err)
		}
		removed := rec.ticket && rec.change.New == nil
		want := removed || (rec.ticket && !rec.change.Effects().Empty())
		if got != want {
			t.Errorf("%s: the filter passes it: %v, want %v (a head: %v, effects: %+v)", name, got, want, rec.ticket, rec.change.Effects())
		}
		if got {
			passed++
		}
	}
	t.Logf("%d of %d stream records reach dispatch", passed, len(recs))
}

// filterPatterns reads the FilterCriteria of DispatchFunction's stream.
func filterPatterns(t *testing.T) []map[string]any {
	t.Helper()
	f, err := lambdatest.Template(t).Function("DispatchFunction")
	if err != nil {
		t.Fatal(err)
	}
	fc, _ := f.Events["Stream"].Properties["FilterCriteria"].(map[string]any)
	filters, _ := fc["Filters"].([]any)
	var out []map[string]any
	for i, f := range filters {
		s, _ := f.(map[string]any)["Pattern"].(string)
		var p map[string]any
		if err := json.Unmarshal([]byte(s), &p); err != nil {
			t.Fatalf("Filters[%d].Pattern %q: %v", i, s, err)
		}
		for k := range p {
			if k != "dynamodb" { // "DynamoDB event source mappings only support filtering on the dynamodb key"
				t.Fatalf("Filters[%d].Pattern filters on %q; a DynamoDB event source filters only on dynamodb", i, k)
			}
		}
		out = append(out, p)
	}
	if len(out) == 0 || len(out) > 5 {
		t.Fatalf("%d filters, want 1 to 5 (Lambda's default quota)", len(out))
	}
	return out
}

// match is Lambda's event filtering on the part of its rules the
// template's patterns use: every key of the pattern must match; an object
// matches an object (a missing one too, so that a missing leaf can match
// "exists": false); an array lists what a leaf may be, each a JSON value
// compared exactly (DynamoDB numbers are strings in the record, and
// numeric operators are not supported) or {"exists": bool}, which tests a
// leaf only.
func match(pattern, record map[string]any) bool {
	for k, want := range pattern {
		got, present := record[k]
		switch want := want.(type) {
		case map[string]any:
			sub, _ := got.(map[string]any)
			if present && sub == nil || !match(want, sub) {
				return false
			}
		case []any:
			if !matchLeaf(want, got, present) {
				return false
			}
		default:
			return false // not a pattern
		}
	}
	return true
}

func matchLeaf(allowed []any, got any, present bool) bool {
	switch got.(type) {
	case map[string]any, []any:
		return false // only leaves match
	}
	for _, a := range allowed {
		if op, ok := a.(map[string]any); ok {
			if exists, ok := op["exists"].(bool); ok && exists == present {
				return true
			}
			continue
		}
		if present && reflect.DeepEqual(a, got) {
			return true
		}
	}
	return false
}

// storyRecords runs a ticket's story through the desk on the dynamo
// store and returns the stream records its writes make: every item that
// changed, before and after each step.
func storyRecords(t *testing.T) []events.DynamoDBEventRecord {
	t.Helper()
	w := lambdatest.NewWorld(t, "DispatchFunction")
	now := lambdatest.At
	d := &desk.Service{Store: w.Tickets, Config: lambdatest.Config(t), Now: func() time.Time { return now }, Log: slog.New(slog.DiscardHandler)}
	alert := ticket.Signal{Title: "Disk full on db-1", DedupKey: "disk-db-1", Description: "/var at 97%"}
	var id string
	steps := []struct {
		name string
		do   func() error
	}{
		{"created", func() error {
			r, err := d.Ingest(ctx, "prometheus", alert)
			if err == nil {
				id = r[0].TicketID
			}
			return err
		}},
		{"2nd occurrence: a milestone on the head", func() error { _, err := d.Ingest(ctx, "prometheus", alert); return err }},
		{"3rd occurrence: counted on the dedup item", func() error { _, err := d.Ingest(ctx, "prometheus", alert); return err }},
		{"delivery recorded", func() error {
			_, err := w.Tickets.Update(ctx, id, func(t *ticket.Ticket) error { t.RecordDelivery(1, "log", now); return nil })
			return err
		}},
		{"note", func() error { _, err := d.Note(ctx, id, desk.By("alice"), "looking"); return err }},
		{"acknowledged", func() error { _, err := d.Acknowledge(ctx, id, desk.By("alice"), ""); return err }},
		{"escalated by hand", func() error {
			_, err := d.Escalate(ctx, id, desk.By("alice"), "disk keeps filling")
			return err
		}},
		{"a request of two alerts, journaled", func() error {
			_, err := d.Ingest(ctx, "prometheus", alert, ticket.Signal{Title: "CPU hot on db-1", DedupKey: "cpu-db-1"})
			return err
		}},
		{"resolved", func() error {
			_, err := d.Ingest(ctx, "prometheus", ticket.Signal{Title: alert.Title, DedupKey: alert.DedupKey, Action: ticket.Resolve})
			return err
		}},
		{"head removed by TTL", func() error {
			_, err := w.Dynamo.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(w.Env["TABLE_NAME"]), Key: headKey(id)})
			return err
		}},
	}
	var recs []events.DynamoDBEventRecord
	before := snapshot(t, w)
	for _, s := range steps {
		now = now.Add(time.Minute)
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		after := snapshot(t, w)
		recs = append(recs, diff(t, before, after, len(recs), now)...)
		before = after
	}
	return recs
}

// snapshot reads every item of the world's table by its keys.
func snapshot(t *testing.T, w *lambdatest.World) map[string]map[string]types.AttributeValue {
	t.Helper()
	out := map[string]map[string]types.AttributeValue{}
	in := &dynamodb.ScanInput{TableName: aws.String(w.Env["TABLE_NAME"]), ConsistentRead: aws.Bool(true)}
	for {
		res, err := w.Dynamo.Scan(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, it := range res.Items {
			pk, _ := it["pk"].(*types.AttributeValueMemberS)
			sk, _ := it["sk"].(*types.AttributeValueMemberS)
			out[pk.Value+"\x00"+sk.Value] = it
		}
		if res.LastEvaluatedKey == nil {
			return out
		}
		in.ExclusiveStartKey = res.LastEvaluatedKey
	}
}

// diff is the stream records between two snapshots: INSERT, MODIFY and
// REMOVE of each item that changed.
func diff(t *testing.T, before, after map[string]map[string]types.AttributeValue, seq int, at time.Time) []events.DynamoDBEventRecord {
	t.Helper()
	var out []events.DynamoDBEventRecord
	add := func(name string, old, cur map[string]types.AttributeValue) {
		img := cur
		if img == nil {
			img = old
		}
		rec := streamRecord(t, name, old, cur, "", fmt.Sprintf("5%020d", seq+len(out)), at)
		rec.Change.Keys = eventImage(map[string]types.AttributeValue{"pk": img["pk"], "sk": img["sk"]})
		out = append(out, rec)
	}
	for k, cur := range after {
		switch old, ok := before[k]; {
		case !ok:
			add("INSERT", nil, cur)
		case !reflect.DeepEqual(eventImage(old), eventImage(cur)):
			add("MODIFY", old, cur)
		}
	}
	for k, old := range before {
		if _, ok := after[k]; !ok {
			add("REMOVE", old, nil)
		}
	}
	return out
}
