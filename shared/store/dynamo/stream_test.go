package dynamo_test

import (
	"reflect"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/tierline/tierline/shared/store/dynamo"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure ChangeFromImages reads the images a stream record carries (here:
// the items themselves, before and after each write) into the change the
// store made, with the effects dispatch must apply, and skips items that
// are not tickets.
func TestChangeFromImages(t *testing.T) {
	e := MustOpen(t)
	head := func(id string) map[string]types.AttributeValue { return rawItem(t, e.Client, "T#"+id, "T") }

	created := trigger(t, e.Store, "disk", start)
	v1 := head(created.ID)
	escalated := mustUpdate(t, e.Store, created.ID, func(tk *ticket.Ticket) error {
		return tk.Escalate(ticket.Escalation{To: ticket.L2, Reason: "not acknowledged within 15m at L1", At: start.Add(15 * time.Minute), Deadlines: place.Deadlines})
	})
	v2 := head(created.ID)
	mustUpdate(t, e.Store, created.ID, func(tk *ticket.Ticket) error { return tk.Resolve("alice", "", start.Add(20*time.Minute)) })
	v3 := head(created.ID)
	resolved, _ := e.Store.Get(ctx, created.ID)

	tests := []struct {
		name     string
		old, new map[string]types.AttributeValue
		ok       bool
		want     ticket.Effects
		wantNew  *ticket.Ticket
	}{
		{"insert_of_a_new_ticket", nil, v1, true, ticket.Effects{
			Notice: &ticket.Notice{TicketID: created.ID, Tier: ticket.L1, Seq: 1},
			Start:  &ticket.Wake{TicketID: created.ID, Clock: 1, At: created.AcknowledgeBy}}, created},
		{"escalation", v1, v2, true, ticket.Effects{
			Notice: &ticket.Notice{TicketID: created.ID, Tier: ticket.L2, Seq: 2}}, escalated},
		{"resolution", v2, v3, true, ticket.Effects{
			Stop: &ticket.Wake{TicketID: created.ID, Clock: 1}}, resolved},
		{"head_removed_by_ttl", v3, nil, true, ticket.Effects{}, nil},
		{"timeline_event", nil, rawItem(t, e.Client, "T#"+created.ID, "E#000001"), false, ticket.Effects{}, nil},
		{"dedup_item", nil, rawItem(t, e.Client, "K#4:prom#disk", "K"), false, ticket.Effects{}, nil},
		{"empty_record", nil, nil, false, ticket.Effects{}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, ok, err := dynamo.ChangeFromImages(tc.old, tc.new)
			if err != nil || ok != tc.ok {
				t.Fatalf("ChangeFromImages = ok %v, %v; want ok %v", ok, err, tc.ok)
			}
			if !ok {
				return
			}
			if got := c.Effects(); !reflect.DeepEqual(got, tc.want) {
				t.Fatalf("Effects = %s, want %s", effects(got), effects(tc.want))
			}
			if tc.wantNew != nil {
				want := *tc.wantNew
				want.Timeline = nil // the timeline is in items of its own
				if !reflect.DeepEqual(c.New, &want) {
					t.Fatalf("New = %+v\nwant  %+v", c.New, &want)
				}
			}
		})
	}

	// Ensure an image that is not a ticket of ours is an error, not a
	// silently wrong change.
	bad := rawItem(t, e.Client, "T#"+created.ID, "T")
	bad["status"] = &types.AttributeValueMemberS{Value: "lost"}
	if _, _, err := dynamo.ChangeFromImages(nil, bad); err == nil {
		t.Fatal("an image with an unknown status decoded without error")
	}
	bad["status"] = &types.AttributeValueMemberN{Value: "1"}
	if _, _, err := dynamo.ChangeFromImages(v1, bad); err == nil {
		t.Fatal("an image with a number for a string decoded without error")
	}
}

func effects(e ticket.Effects) string {
	s := ""
	if e.Notice != nil {
		s += " notice " + e.Notice.Key() + " " + e.Notice.Tier.String()
	}
	if e.Start != nil {
		s += " start " + e.Start.Key() + " " + e.Start.At.String()
	}
	if e.Stop != nil {
		s += " stop " + e.Stop.Key()
	}
	return "{" + s + " }"
}
