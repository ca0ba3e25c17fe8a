// Package sqlite is the Store of the local runtime: tickets in an embedded
// SQLite database (see localdb), with the timeline in rows of its own and
// an outbox that plays the part DynamoDB Streams play on AWS.
//
// Every write runs in one transaction with what it causes: the ticket row,
// its new timeline rows and, when the change asks for a hand-off or a timer
// (ticket.Change.Effects), an outbox row. The local dispatcher reads the
// outbox and deletes a row only once its effects are durable elsewhere, so
// nothing is lost between "stored" and "delivered", across crashes too.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

var _ store.Store = (*Store)(nil)

const schema = `
CREATE TABLE IF NOT EXISTS tickets (
	id          TEXT PRIMARY KEY,
	integration TEXT NOT NULL,
	dedup_key   TEXT NOT NULL,
	tier        INTEGER NOT NULL,
	status      TEXT NOT NULL,
	version     INTEGER NOT NULL,
	doc         BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tickets_by_key ON tickets (integration, dedup_key, id);
CREATE UNIQUE INDEX IF NOT EXISTS tickets_one_open ON tickets (integration, dedup_key) WHERE status <> 'resolved';
CREATE INDEX IF NOT EXISTS tickets_by_tier_status ON tickets (tier, status, id);
CREATE INDEX IF NOT EXISTS tickets_by_status ON tickets (status, id);
CREATE INDEX IF NOT EXISTS tickets_by_tier ON tickets (tier, id);
CREATE TABLE IF NOT EXISTS timeline (
	ticket_id TEXT NOT NULL,
	seq       INTEGER NOT NULL,
	doc       BLOB NOT NULL,
	PRIMARY KEY (ticket_id, seq)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS tickets_problems ON tickets (id) WHERE substr(dedup_key, 1, 8) = 'problem' || char(10);
CREATE TABLE IF NOT EXISTS recurrences (
	key       TEXT NOT NULL,
	ticket_id TEXT NOT NULL,
	title     TEXT NOT NULL,
	at        INTEGER NOT NULL,
	PRIMARY KEY (key, ticket_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS recurrences_by_at ON recurrences (key, at);
CREATE TABLE IF NOT EXISTS recurring (
	ticket_id   TEXT PRIMARY KEY,
	integration TEXT NOT NULL,
	key         TEXT NOT NULL,
	title       TEXT NOT NULL,
	at          INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS recurring_by_at ON recurring (at);
CREATE TABLE IF NOT EXISTS rollups (
	hour        INTEGER NOT NULL,
	integration TEXT NOT NULL,
	tier        INTEGER NOT NULL,
	fields      BLOB NOT NULL,
	PRIMARY KEY (hour, integration, tier)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS outbox (
	seq       INTEGER PRIMARY KEY AUTOINCREMENT,
	ticket_id TEXT NOT NULL,
	change    BLOB NOT NULL
);`

// The statements of the hot paths, prepared once in New.
const (
	selectByID     = "SELECT doc FROM tickets WHERE id = ?"
	selectOpen     = "SELECT doc FROM tickets WHERE integration = ? AND dedup_key = ? AND status <> 'resolved'"
	selectOpenID   = "SELECT id FROM tickets WHERE integration = ? AND dedup_key = ? AND status <> 'resolved'"
	selectLatest   = "SELECT doc FROM tickets WHERE integration = ? AND dedup_key = ? ORDER BY id DESC LIMIT 1"
	selectTimeline = "SELECT doc FROM timeline WHERE ticket_id = ? ORDER BY seq"
	insertTicket   = "INSERT INTO tickets (id, integration, dedup_key, tier, status, version, doc) VALUES (?, ?, ?, ?, ?, ?, ?)"
	updateTicket   = "UPDATE tickets SET tier = ?, status = ?, version = ?, doc = ? WHERE id = ? AND version = ?"
	insertEvent    = "INSERT INTO timeline (ticket_id, seq, doc) VALUES (?, ?, ?)"
	insertOutbox   = "INSERT INTO outbox (ticket_id, change) VALUES (?, ?)"
	selectRollup   = "SELECT fields FROM rollups WHERE hour = ? AND integration = ? AND tier = ?"
	putRollup      = "INSERT INTO rollups (hour, integration, tier, fields) VALUES (?, ?, ?, ?) ON CONFLICT DO UPDATE SET fields = excluded.fields"
	// the reads of a metrics report
	selectRollups   = "SELECT hour, integration, tier, fields FROM rollups WHERE hour >= ? AND hour < ? ORDER BY hour, integration, tier"
	countUnresolved = "SELECT count(*) FROM (SELECT 1 FROM tickets WHERE tier = ? AND status = ? AND (? = '' OR integration = ?) LIMIT ?)"
	selectOldest    = "SELECT id FROM tickets WHERE tier = ? AND status = ? AND (? = '' OR integration = ?) ORDER BY id LIMIT 1"
)

// Store is a store.Store on an embedded database.
type Store struct {
	db      *localdb.DB
	changes chan struct{}
}

// New creates the store's tables in db if needed.
func New(ctx context.Context, db *localdb.DB) (*Store, error) {
	err := db.Write(ctx, func(tx *localdb.Tx) error {
		if _, err := tx.Exec(schema); err != nil {
			return err
		}
		return migrateFigures(tx)
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite store: create tables: %w", err)
	}
	if err := db.Prepare(selectByID, selectOpen, selectOpenID, selectLatest, selectTimeline, insertTicket, updateTicket, insertEvent, insertOutbox, selectRollup, putRollup,
		selectRollups, countUnresolved, selectOldest); err != nil {
		return nil, fmt.Errorf("sqlite store: %w", err)
	}
	return &Store{db: db, changes: make(chan struct{}, 1)}, nil
}

// Get returns a ticket with its timeline, read in one snapshot.
func (s *Store) Get(ctx context.Context, id string) (*ticket.Ticket, error) {
	var t *ticket.Ticket
	err := s.db.Read(ctx, func(tx *localdb.Tx) error {
		var err error
		t, err = load(tx, selectByID, id)
		return err
	})
	if err != nil {
		return nil, unavailable(err)
	}
	if t == nil {
		return nil, ticket.Errorf(ticket.NotFound, "ticket %s not found", id)
	}
	return t, nil
}

// List returns a page of tickets, newest first. IDs sort by creation time,
// so the cursor is simply the last ID of the page before.
func (s *Store) List(ctx context.Context, q store.Query) (store.Page, error) {
	var where []string
	var args []any
	if q.Tier != 0 {
		where, args = append(where, "tier = ?"), append(args, int(q.Tier))
	}
	if q.Status != "" {
		where, args = append(where, "status = ?"), append(args, string(q.Status))
	}
	switch q.Kind {
	case ticket.KindProblem:
		where = append(where, problemKey) // the partial index tickets_problems
	case ticket.KindIncident:
		where = append(where, "NOT "+problemKey)
	}
	if q.Cursor != "" {
		id, err := ticket.ParseID(q.Cursor)
		if err != nil {
			return store.Page{}, ticket.Errorf(ticket.Invalid, "cursor %q is not one this API gave out", q.Cursor)
		}
		where, args = append(where, "id < ?"), append(args, id)
	}
	query := "SELECT doc FROM tickets"
	if len(where) > 0 {
		query += " WHERE " + strings.Join(where, " AND ")
	}
	n := q.PageSize()
	query += fmt.Sprintf(" ORDER BY id DESC LIMIT %d", n+1)
	rows, err := s.db.Reader().QueryContext(ctx, query, args...)
	if err != nil {
		return store.Page{}, unavailable(err)
	}
	defer rows.Close()
	var page store.Page
	for rows.Next() {
		var doc []byte
		if err := rows.Scan(&doc); err != nil {
			return store.Page{}, unavailable(err)
		}
		t, err := decodeTicket(doc)
		if err != nil {
			return store.Page{}, corrupt(err)
		}
		page.Tickets = append(page.Tickets, t)
	}
	if err := rows.Err(); err != nil {
		return store.Page{}, unavailable(err)
	}
	if len(page.Tickets) > n {
		page.Tickets = page.Tickets[:n]
		page.Next = page.Tickets[n-1].ID
	}
	return page, nil
}

// load reads the one ticket query selects, with its timeline, or nil.
func load(tx *localdb.Tx, query string, args ...any) (*ticket.Ticket, error) {
	var doc []byte
	err := tx.QueryRow(query, args...).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, unavailable(err)
	}
	t, err := decodeTicket(doc)
	if err != nil {
		return nil, corrupt(err)
	}
	rows, err := tx.Query(selectTimeline, t.ID)
	if err != nil {
		return nil, unavailable(err)
	}
	defer rows.Close()
	for rows.Next() {
		var b []byte
		if err := rows.Scan(&b); err != nil {
			return nil, unavailable(err)
		}
		e, err := decodeEvent(b)
		if err != nil {
			return nil, corrupt(err)
		}
		t.Timeline = append(t.Timeline, e)
	}
	if err := rows.Err(); err != nil {
		return nil, unavailable(err)
	}
	return t, nil
}

func unavailable(err error) error {
	var te *ticket.Error
	if errors.As(err, &te) {
		return err
	}
	if isConstraint(err) {
		return ticket.Wrap(ticket.Conflict, err, "the write conflicts with another ticket")
	}
	return ticket.Wrap(ticket.Unavailable, err, "the ticket store is unavailable")
}

func corrupt(err error) error {
	return ticket.Wrap(ticket.Internal, err, "sqlite store: undecodable row")
}

func isConstraint(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || se.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}
