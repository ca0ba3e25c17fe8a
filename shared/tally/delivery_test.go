package tally

import (
	"context"
	"errors"
	"reflect"
	"testing"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

type notifierFunc func(policy.Channel, ticket.HandOff) error

func (f notifierFunc) Deliver(_ context.Context, ch policy.Channel, h ticket.HandOff) error {
	return f(ch, h)
}

func TestCountingTellsEachDelivery(t *testing.T) {
	refused := errors.New("503 from the webhook")
	var got []Delivery
	c := Counting{Notifier: notifierFunc(func(ch policy.Channel, _ ticket.HandOff) error {
		if ch.Name == "down" {
			return refused
		}
		return nil
	}), Count: func(d Delivery) { got = append(got, d) }}
	ctx := context.Background()
	if err := c.Deliver(ctx, policy.Channel{Name: "ok", Kind: "slack"}, ticket.HandOff{Tier: ticket.L2}); err != nil {
		t.Fatal(err)
	}
	if err := c.Deliver(ctx, policy.Channel{Name: "down", Kind: "webhook"}, ticket.HandOff{Tier: ticket.L1}); !errors.Is(err, refused) {
		t.Fatalf("the notifier's error is not passed on: %v", err)
	}
	late := ticket.HandOff{Tier: ticket.L1, MovedOn: &ticket.MovedOn{To: ticket.L2}}
	if err := c.Deliver(ctx, policy.Channel{Name: "ok", Kind: "log"}, late); err != nil {
		t.Fatal(err)
	}
	want := []Delivery{{ticket.L2, "slack", Delivered}, {ticket.L1, "webhook", Failed}, {ticket.L1, "log", Late}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
}
