package sqlite

import (
	"context"
	"database/sql"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/ticket"
)

// MaxCount is the most tickets Unresolved reads of one tier and status: a
// count at it means "at least MaxCount".
const MaxCount = 50000

// Unresolved counts the open and acknowledged tickets of each tier (of
// integration alone, unless it is ""), each count read from the
// tier-and-status index and stopped at MaxCount, so that a scrape costs
// at most 6 × MaxCount index entries however many tickets the store
// holds; the oldest of each tier is the first of that index (IDs sort by
// creation).
func (s *Store) Unresolved(ctx context.Context, integration string) (map[ticket.Tier]figures.Unresolved, error) {
	out := map[ticket.Tier]figures.Unresolved{}
	err := s.db.Read(ctx, func(tx *localdb.Tx) error {
		for _, tier := range ticket.Tiers {
			var u figures.Unresolved
			for _, st := range []ticket.Status{ticket.StatusOpen, ticket.StatusAcknowledged} {
				n, oldest, err := countStatus(tx, tier, st, integration)
				if err != nil {
					return err
				}
				if st == ticket.StatusOpen {
					u.Open = n
				} else {
					u.Acknowledged = n
				}
				if !oldest.IsZero() && (u.Oldest.IsZero() || oldest.Before(u.Oldest)) {
					u.Oldest = oldest
				}
			}
			out[tier] = u
		}
		return nil
	})
	if err != nil {
		return nil, unavailable(err)
	}
	return out, nil
}

// countStatus counts the tickets of tier in status st, up to MaxCount,
// and returns the creation of the oldest.
func countStatus(tx *localdb.Tx, tier ticket.Tier, st ticket.Status, integration string) (int, time.Time, error) {
	var n int
	err := tx.QueryRow(countUnresolved, int(tier), string(st), integration, integration, MaxCount).Scan(&n)
	if err != nil || n == 0 {
		return n, time.Time{}, err
	}
	var id string
	err = tx.QueryRow(selectOldest, int(tier), string(st), integration, integration).Scan(&id)
	if err == sql.ErrNoRows {
		return n, time.Time{}, nil
	}
	if err != nil {
		return 0, time.Time{}, err
	}
	return n, ticket.IDTime(id), nil
}
