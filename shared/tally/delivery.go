package tally

import (
	"context"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// The outcomes of one delivery of a hand-off to one channel.
const (
	Delivered = "delivered" // the channel took it
	Late      = "late"      // the channel took it after the ticket had moved on to another tier
	Failed    = "failed"    // the channel refused it or could not be reached, after its own retries
)

// Delivery is what one delivery of a hand-off to one channel did.
type Delivery struct {
	Tier    ticket.Tier
	Kind    string // the channel's kind: log, webhook, slack, teams, sns
	Outcome string
}

// Counting is a desk.Notifier that tells Count what each delivery of the
// one it wraps did. Only deliveries that were tried are told: a hand-off
// that desk.Notify withholds, or a channel that already has it, is not.
type Counting struct {
	desk.Notifier
	Count func(Delivery)
}

// Deliver delivers h to ch through the wrapped notifier and counts it.
func (c Counting) Deliver(ctx context.Context, ch policy.Channel, h ticket.HandOff) error {
	err := c.Notifier.Deliver(ctx, ch, h)
	d := Delivery{Tier: h.Tier, Kind: ch.Kind, Outcome: Delivered}
	switch {
	case err != nil:
		d.Outcome = Failed
	case h.MovedOn != nil:
		d.Outcome = Late
	}
	c.Count(d)
	return err
}
