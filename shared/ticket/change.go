package ticket

import (
	"strconv"
	"time"
)

// Change is one stored write of a ticket, as a DynamoDB stream record or a
// local outbox row carries it: the image before (nil for a new ticket) and
// after (nil for a deleted one).
type Change struct {
	Old, New *Ticket
}

// Notice points at hand-off number Seq of a ticket: the message a tier queue
// carries. The receiver reads the ticket for the rest, so that the hand-off
// it delivers is as fresh as the ticket.
type Notice struct {
	TicketID string
	Tier     Tier
	Seq      int
}

// Key identifies the notice across redeliveries.
func (n Notice) Key() string { return n.TicketID + "." + strconv.Itoa(n.Seq) }

// Wake asks for the escalation step of a ticket to run at At. A wake for an
// older Clock than the ticket's is stale and ends its timer.
type Wake struct {
	TicketID string
	Clock    int
	At       time.Time
}

// Key names the timer of this clock generation: one per ticket and clock.
func (w Wake) Key() string { return w.TicketID + "." + strconv.Itoa(w.Clock) }

// Effects is what a change asks of the world outside the store.
type Effects struct {
	Notice *Notice // deliver a hand-off to a tier
	Start  *Wake   // start the escalation clock
	Stop   *Wake   // stop a timer; At is unused
}

// Empty reports whether the change asks for nothing.
func (e Effects) Empty() bool { return e.Notice == nil && e.Start == nil && e.Stop == nil }

// Effects derives what c asks for: a new hand-off goes to its tier's queue, a
// new clock generation starts a timer (and stops the previous one), a
// resolution stops it. It depends only
// on the two images, so the stream consumer on AWS and the outbox dispatcher
// of the local runtime decide the same way, and a redelivered record asks for
// the same effects again (which the queue and the timer absorb).
func (c Change) Effects() Effects {
	var e Effects
	n, o := c.New, c.Old
	if n == nil {
		return e
	}
	if n.Status == StatusResolved {
		if o != nil && o.Status != StatusResolved {
			e.Stop = &Wake{TicketID: n.ID, Clock: n.Clock}
		}
		return e
	}
	if o == nil || n.Notices > o.Notices {
		e.Notice = &Notice{TicketID: n.ID, Tier: n.Tier, Seq: n.Notices}
	}
	if o == nil || n.Clock != o.Clock {
		e.Start = &Wake{TicketID: n.ID, Clock: n.Clock, At: n.NextDeadline()}
		if o != nil && o.Status != StatusResolved {
			e.Stop = &Wake{TicketID: n.ID, Clock: o.Clock}
		}
	}
	return e
}
