package store

import "time"

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
