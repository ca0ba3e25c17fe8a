// Package desk is tierline's application service: one use case a file, each
// a short story told with the domain (ticket, policy) and the ports (store,
// queue, timer). Transports call it: the HTTP API, the Lambda handlers, the
// local runtime's workers. It holds no state of its own.
package desk

import (
	"context"
	"crypto/rand"
	"io"
	"log/slog"
	"time"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/queue"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer"
)

// Service runs the use cases. Store and Config are always needed; Queue
// and Timer only by Dispatch, Notifier only by Notify, so that each Lambda
// function wires just what it uses.
type Service struct {
	Store    store.Store
	Config   *policy.Config
	Queue    queue.Queue
	Timer    timer.Timer
	Notifier Notifier
	Now      func() time.Time // default time.Now
	Random   io.Reader        // random bits of ticket IDs; default crypto/rand
	Log      *slog.Logger     // default slog.Default()
}

// Notifier delivers a hand-off to one channel of a tier. It returns an
// error when the delivery failed after its own retries; the caller then
// leaves the notice on its queue to be delivered again later.
type Notifier interface {
	Deliver(ctx context.Context, ch policy.Channel, h ticket.HandOff) error
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC()
	}
	return time.Now().UTC()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// newID returns the ID of a ticket created at now that follows previous,
// the resolved ticket of its dedup key (nil for none). Stores take the
// newest ticket of a key to be the one with the highest ID, and IDs of one
// millisecond sort by their random bits, so the new ID is given a later
// millisecond than previous's when now is not later already.
func (s *Service) newID(now time.Time, previous *ticket.Ticket) (string, error) {
	r := s.Random
	if r == nil {
		r = rand.Reader
	}
	if previous != nil {
		if at := ticket.IDTime(previous.ID); now.UnixMilli() <= at.UnixMilli() {
			now = at.Add(time.Millisecond)
		}
	}
	return ticket.NewID(now, r)
}

// ticketID reads an ID given by a person or a URL; one that cannot be an
// ID names no ticket.
func ticketID(raw string) (string, error) {
	id, err := ticket.ParseID(raw)
	if err != nil {
		return "", ticket.Errorf(ticket.NotFound, "ticket %q not found: ticket ids are 14 letters and digits, like 0c7g2m4x9k3t1p", raw)
	}
	return id, nil
}

// Actor is who calls a use case. Name is who tierline authenticated (an
// api key's name, an integration) and is what the timeline records as the
// actor. OnBehalf is whom the caller says it acts for (the API's "actor",
// the CLI's --as): a claim, so it is recorded beside Name, never instead.
type Actor struct {
	Name     string
	OnBehalf string
}

// By is the Actor name acting for no one else.
func By(name string) Actor { return Actor{Name: name} }

// String is how people read the actor: "ops (as alice)", or "ops".
func (a Actor) String() string { return ticket.Event{Actor: a.Name, OnBehalf: a.OnBehalf}.By() }

// change loads ticket raw, lets fn change it as by, and stores it: the
// events fn appends are by's, for whomever by acts.
func (s *Service) change(ctx context.Context, raw string, by Actor, fn func(t *ticket.Ticket, now time.Time) error) (*ticket.Ticket, error) {
	id, err := ticketID(raw)
	if err != nil {
		return nil, err
	}
	now := s.now()
	return s.Store.Update(ctx, id, func(t *ticket.Ticket) error {
		since := len(t.Timeline)
		if err := fn(t, now); err != nil {
			return err
		}
		return t.ActedFor(since, by.OnBehalf)
	})
}
