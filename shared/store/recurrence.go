package store

import (
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Recurrence is one ticket of a recurrence key (ticket.RecurrenceKey) as
// the key index keeps it: enough to count a key's tickets in a window and
// to list them on its problem without reading each ticket.
//
// The index is how a store answers "how many tickets did this key produce
// in the last 7 days" with one read of the key (no Scan, no read of the
// tickets table): a row per ticket (SQLite) or an item per ticket in the
// key's partition (DynamoDB), dropped once it is older than the window.
type Recurrence struct {
	TicketID string
	Title    string
	At       time.Time // when the ticket was created
}

// Recurring is a ticket of a key that has recurred: a key's tickets are
// marked once it has two or more within its window, and the metrics list
// the keys with two or more marked tickets in their window. Only
// recurring keys are marked, so reading a window's marks costs what the
// desk's repeats cost, not what all its tickets do.
type Recurring struct {
	Key ticket.RecurrenceKey
	Recurrence
}

// RecurringKept is how long a mark is kept: as long as the longest window
// a report may cover (desk.MaxMetricsWindow), and a day more.
const RecurringKept = 93 * 24 * time.Hour
