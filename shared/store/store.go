// Package store defines the Store port: where tickets are kept. Adapters
// live beside it (store/sqlite for the local runtime, store/dynamo on AWS)
// and storetest holds the contract every adapter passes.
//
// The port is shaped by the use cases, not by CRUD: rules live in the
// closures callers pass, the adapter owns only the transaction around them.
package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/tierline/tierline/shared/figures"
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

	// UpsertAll is the dedup write of a whole request: Upsert for each of
	// writes, in order, as one unit. Writes of one key see each other, in
	// the order given. Every fn runs (and every rule Upsert checks is
	// checked) before anything is stored, so an error of any write stores
	// nothing of the request and is returned, wrapped with the write's
	// number. request names the request, the same for a sender's retry of
	// it: where the adapter cannot hold a request in one transaction
	// (DynamoDB), a failure part-way leaves the writes stored so far, and
	// a retry of the request under the same name resumes after them rather
	// than stores them twice (see the adapter's doc for its guarantee). It
	// returns what happened to each write, in order.
	UpsertAll(ctx context.Context, integration, request string, writes []Write) ([]Applied, error)

	// Recur is the key index of problem records (see recurrence.go): it
	// records r under key, idempotently, and returns the key's
	// recurrences from r.At-window on, r included, oldest first.
	Recur(ctx context.Context, key string, r Recurrence, window time.Duration) ([]Recurrence, error)

	// MarkRecurring marks recs as tickets of key, a key that has recurred
	// (see Recurring), idempotently; a mark is kept for RecurringKept.
	MarkRecurring(ctx context.Context, key ticket.RecurrenceKey, recs []Recurrence) error

	// Recurring returns the marks of the tickets created from since up to
	// until, oldest first: one read of the marks, whatever the number of
	// tickets that did not recur.
	Recurring(ctx context.Context, since, until time.Time) ([]Recurring, error)

	// Figures returns the hourly rollups of the hours from since up to
	// until (since ≤ hour < until; both on the hour), a part per hour,
	// integration and tier, ordered by them. Every write adds what its
	// change counts (figures.Of) to its rollup in the same transaction,
	// so a change is counted once however often it is retried, and a
	// read costs the same for any number of tickets.
	Figures(ctx context.Context, since, until time.Time) ([]figures.Part, error)

	// Unresolved counts each tier's open and acknowledged tickets now, of
	// integration alone unless it is "", with the oldest one's creation,
	// from the tier-and-status index (bounded: see the adapters' MaxCount).
	Unresolved(ctx context.Context, integration string) (map[ticket.Tier]figures.Unresolved, error)
}

// Counter is the storm path a store offers when counting a repeat without
// reading the ticket is cheaper than its Upsert: on DynamoDB a read is a
// request of its own, so a storm of repeats of one key is one UpdateItem
// each. The desk tries it first for a plain repeat and writes with Upsert
// when it refuses. The SQLite store has none: its Upsert is already one
// local transaction, and a Count that finds nothing to count would cost
// every new alert a second one.
type Counter interface {
	// Count is the storm path: it counts r, a repeat of the alert of
	// (integration, dedupKey), on the key's open ticket when that is all
	// r does (Repeat.Changes is false for it), as Ticket.Occur would,
	// including the "occurred" event of an occurrence milestone, which is
	// recorded once however many repeats race. It returns the ticket's ID
	// and the repeat's count. ok is false, and nothing is stored, when the
	// key has no open ticket or r would change more: the caller then
	// writes the repeat with Upsert. Count never loses a race it could
	// retry. ok true with an error means the repeat is counted (do not
	// send it again) but its milestone event could not be stored; the
	// caller logs it.
	Count(ctx context.Context, integration, dedupKey string, r Repeat) (id string, occurrences int, ok bool, err error)
}

// Write is one dedup write of UpsertAll: fn is Upsert's, for DedupKey.
type Write struct {
	DedupKey string
	Fn       func(latest *ticket.Ticket) (*ticket.Ticket, error)
}

// Applied is what UpsertAll did with one write.
type Applied struct {
	Ticket *ticket.Ticket // as stored; nil when fn stored nothing, or when Earlier
	// Earlier reports a write an earlier, failed attempt of the same
	// request stored: it is not stored again, and fn did not run.
	// TicketID names the ticket it stored.
	Earlier  bool
	TicketID string
}

// Repeat is a trigger for an alert whose ticket is open, as much of it as
// Ticket.Occur reads: new description and details (empty ones leave the
// ticket's as they are), which of them were cut to their limits, and when
// it arrived.
type Repeat struct {
	Description string
	Details     map[string]any
	Truncated   []string // as ticket.Signal.Truncated
	At          time.Time
}

// Changes reports whether counting r on t would change more than its
// occurrences and last seen time: a new description or new details.
func (r Repeat) Changes(t *ticket.Ticket) bool {
	if r.Description != "" && r.Description != t.Description {
		return true
	}
	return len(r.Details) > 0 && !sameJSON(r.Details, t.Details)
}

// sameJSON reports whether two sets of details are the same JSON, which
// is how both stores keep them (so 3 and 3.0 are the same).
func sameJSON(a, b map[string]any) bool {
	ja, errA := json.Marshal(a)
	jb, errB := json.Marshal(b)
	return errA == nil && errB == nil && bytes.Equal(ja, jb)
}

// Signal is r as the signal Ticket.Occur takes.
func (r Repeat) Signal() ticket.Signal {
	return ticket.Signal{Action: ticket.Trigger, Description: r.Description, Details: r.Details, Truncated: r.Truncated}
}

// ErrSkip tells Update to store nothing.
var ErrSkip = errors.New("store: nothing to write")

// Query selects tickets for List. Zero fields select everything.
type Query struct {
	Tier   ticket.Tier
	Status ticket.Status
	Kind   ticket.Kind // KindProblem, KindIncident, or empty for both
	Limit  int         // at most this many; 0 means DefaultLimit, and MaxLimit caps it
	Cursor string      // Page.Next of the previous page
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
