package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/functions/internal/lambdatest"
	"github.com/tierline/tierline/shared/ticket"
)

var update = flag.Bool("update", false, "write events/lambda/dispatch-stream.json from the dynamo adapter's items")

const sampleFile = "dispatch-stream.json"

// story runs the fixture's story in the world's table and returns the
// stream batch DynamoDB would send for the tickets' heads: TicketA created
// (INSERT), escalated to L2 (MODIFY), TicketB created (INSERT), TicketA
// resolved (MODIFY) and, once its retention passed, its head removed by
// TTL (REMOVE). The images are the adapter's own items, read back raw.
func story(t *testing.T, w *lambdatest.World) events.DynamoDBEvent {
	t.Helper()
	f := lambdatest.Fixture{Store: w.Tickets, Config: lambdatest.Config(t)}
	var recs []events.DynamoDBEventRecord
	add := func(name string, old, cur map[string]types.AttributeValue, id string, at time.Time) {
		seq := fmt.Sprintf("4%020d", 1000+len(recs)*100)
		recs = append(recs, streamRecord(t, name, old, cur, id, seq, at))
	}
	f.CreateA(t)
	created := head(t, w, lambdatest.TicketA)
	add("INSERT", nil, created, lambdatest.TicketA, lambdatest.At)
	f.EscalateA(t)
	escalated := head(t, w, lambdatest.TicketA)
	add("MODIFY", created, escalated, lambdatest.TicketA, lambdatest.At.Add(time.Second))
	f.CreateB(t)
	add("INSERT", nil, head(t, w, lambdatest.TicketB), lambdatest.TicketB, lambdatest.At)
	f.ResolveA(t)
	resolved := head(t, w, lambdatest.TicketA)
	add("MODIFY", escalated, resolved, lambdatest.TicketA, lambdatest.At.Add(time.Minute))
	add("REMOVE", resolved, nil, lambdatest.TicketA, lambdatest.At.Add(91*24*time.Hour))
	recs[len(recs)-1].UserIdentity = &events.DynamoDBUserIdentity{Type: "Service", PrincipalID: "dynamodb.amazonaws.com"}
	return events.DynamoDBEvent{Records: recs}
}

// head reads a ticket's head item as it is stored.
func head(t *testing.T, w *lambdatest.World, id string) map[string]types.AttributeValue {
	t.Helper()
	out, err := w.Dynamo.GetItem(context.Background(), &dynamodb.GetItemInput{TableName: aws.String(w.Env["TABLE_NAME"]),
		Key: headKey(id), ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		t.Fatalf("head of %s: %v, %v", id, out, err)
	}
	return out.Item
}

func headKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": &types.AttributeValueMemberS{Value: "T#" + id}, "sk": &types.AttributeValueMemberS{Value: "T"}}
}

// streamRecord is a record as Lambda delivers it from a table's stream.
func streamRecord(t *testing.T, name string, old, cur map[string]types.AttributeValue, id, seq string, at time.Time) events.DynamoDBEventRecord {
	t.Helper()
	size := 0
	for _, img := range []map[string]types.AttributeValue{old, cur} {
		b, _ := json.Marshal(eventImage(img))
		size += len(b)
	}
	return events.DynamoDBEventRecord{
		AWSRegion:      "us-east-1",
		EventID:        fmt.Sprintf("%x", seq)[:32],
		EventName:      name,
		EventSource:    "aws:dynamodb",
		EventVersion:   "1.1",
		EventSourceArn: streamARN(t),
		Change: events.DynamoDBStreamRecord{
			ApproximateCreationDateTime: events.SecondsEpochTime{Time: at},
			Keys:                        eventImage(headKey(id)),
			NewImage:                    eventImage(cur),
			OldImage:                    eventImage(old),
			SequenceNumber:              seq,
			SizeBytes:                   int64(size),
			StreamViewType:              "NEW_AND_OLD_IMAGES",
		},
	}
}

// streamARN is the table's stream in sam's fake account.
func streamARN(t *testing.T) string {
	t.Helper()
	arn, err := lambdatest.Template(t).Resolve(map[string]any{"Fn::GetAtt": []any{"TicketsTable", "StreamArn"}})
	if err != nil {
		t.Fatal(err)
	}
	return arn
}

// eventImage converts the SDK's attribute values into aws-lambda-go's: the
// inverse of image, for writing samples.
func eventImage(in map[string]types.AttributeValue) map[string]events.DynamoDBAttributeValue {
	if in == nil {
		return nil
	}
	out := map[string]events.DynamoDBAttributeValue{}
	for k, v := range in {
		out[k] = eventAttribute(v)
	}
	return out
}

func eventAttribute(v types.AttributeValue) events.DynamoDBAttributeValue {
	switch v := v.(type) {
	case *types.AttributeValueMemberS:
		return events.NewStringAttribute(v.Value)
	case *types.AttributeValueMemberN:
		return events.NewNumberAttribute(v.Value)
	case *types.AttributeValueMemberB:
		return events.NewBinaryAttribute(v.Value)
	case *types.AttributeValueMemberBOOL:
		return events.NewBooleanAttribute(v.Value)
	case *types.AttributeValueMemberNULL:
		return events.NewNullAttribute()
	case *types.AttributeValueMemberSS:
		return events.NewStringSetAttribute(v.Value)
	case *types.AttributeValueMemberNS:
		return events.NewNumberSetAttribute(v.Value)
	case *types.AttributeValueMemberBS:
		return events.NewBinarySetAttribute(v.Value)
	case *types.AttributeValueMemberL:
		l := make([]events.DynamoDBAttributeValue, len(v.Value))
		for i, x := range v.Value {
			l[i] = eventAttribute(x)
		}
		return events.NewListAttribute(l)
	case *types.AttributeValueMemberM:
		return events.NewMapAttribute(eventImage(v.Value))
	}
	panic(fmt.Sprintf("unknown attribute value %T", v))
}

// Ensure events/lambda/dispatch-stream.json holds exactly the batch the
// dynamo adapter's items make: if the item format changes, this fails
// until the sample is written again with -update.
func TestStreamSampleMatchesTheAdapter(t *testing.T) {
	want := story(t, lambdatest.NewWorld(t, "DispatchFunction"))
	b, err := json.MarshalIndent(want, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := lambdatest.EventPath(t, sampleFile)
	if *update {
		if err := os.WriteFile(path, append(b, '\n'), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got := lambdatest.Decode[events.DynamoDBEvent](t, lambdatest.Event(t, sampleFile))
	if !reflect.DeepEqual(normalJSON(t, got), normalJSON(t, want)) {
		t.Fatalf("%s is not what the dynamo adapter stores today; run go test ./functions/dispatch -run %s -update", sampleFile, t.Name())
	}
	if names := []string{got.Records[0].EventName, got.Records[1].EventName, got.Records[3].EventName}; names[0] != "INSERT" ||
		names[1] != "MODIFY" || names[2] != "MODIFY" {
		t.Fatalf("records %v, want INSERT, MODIFY (escalation), …, MODIFY (resolve)", names)
	}
	c, ok, err := read(got.Records[3]).change, read(got.Records[3]).ticket, read(got.Records[3]).err
	if err != nil || !ok || c.New.Status != ticket.StatusResolved {
		t.Fatalf("record 4 reads as %+v ok=%v err=%v, want TicketA resolved", c, ok, err)
	}
}

func normalJSON(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	json.Unmarshal(b, &out)
	return out
}
