// Package store defines the Store port: where tickets are kept. Adapters
// live beside it (store/sqlite for the local runtime, store/dynamo on AWS)
// and storetest holds the contract every adapter passes.
//
// The port is shaped by the use cases, not by CRUD: rules live in the
// closures callers pass, the adapter owns only the transaction around them.
package store

import (
	"context"
	"errors"

	"github.com/tierline/tierline/shared/ticket"
)

// Store keeps tickets and their timelines.
//
// Errors carry a ticket.Code: NotFound for a missing ticket, Conflict when
// a write lost a race it cannot retry or would break "one open ticket per
// dedup key", Unavailable when the database itself failed (callers answer
// 503 and senders retry). Errors returned by a caller's closure are
// returned unchanged.
type Store interface {
	// Get returns a ticket with its timeline.
	Get(ctx context.Context, id string) (*ticket.Ticket, error)

	// List returns tickets matching q, newest first, without timelines.
	List(ctx context.Context, q Query) (Page, error)

	// Update loads a ticket, lets fn change it and stores the result, all
	// or nothing: timeline events fn appends are stored with it, and the
	// change is passed on to the outbox or stream. fn may run more than
	// once when a concurrent write wins a race, so it must depend only on
	// its argument. If fn returns ErrSkip nothing is written and Update
	// returns the ticket as loaded; any other error is returned as is.
	Update(ctx context.Context, id string, fn func(t *ticket.Ticket) error) (*ticket.Ticket, error)

	// Upsert is the dedup write. It loads the open ticket of (integration,
	// dedupKey), or when none is open the newest one of the key (resolved),
	// or nil if there is none, and calls fn with it. fn returns the same ticket changed (stored in
	// place), a new ticket (stored beside it), or nil to store nothing. A
	// new ticket is refused with Conflict while another ticket of the key is
	// open: concurrent Upserts of one key never make two open tickets. Like
	// Update, fn may run more than once.
	Upsert(ctx context.Context, integration, dedupKey string, fn func(latest *ticket.Ticket) (*ticket.Ticket, error)) (*ticket.Ticket, error)
}

// ErrSkip tells Update to store nothing.
var ErrSkip = errors.New("store: nothing to write")

// Query selects tickets for List. Zero fields select everything.
type Query struct {
	Tier   ticket.Tier
	Status ticket.Status
	Limit  int    // at most this many; 0 means DefaultLimit, and MaxLimit caps it
	Cursor string // Page.Next of the previous page
}

// Limits of one List page.
const (
	DefaultLimit = 50
	MaxLimit     = 500
)

// PageSize returns the page size q asks for, within the limits.
func (q Query) PageSize() int {
	switch {
	case q.Limit <= 0:
		return DefaultLimit
	case q.Limit > MaxLimit:
		return MaxLimit
	}
	return q.Limit
}

// Page is one page of a List.
type Page struct {
	Tickets []*ticket.Ticket
	Next    string // cursor of the next page; empty on the last
}
