package sqlite

import (
	"context"

	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/ticket"
)

// MaxCount is the most tickets CountUnresolved reads of one tier and
// status: a count at it means "at least MaxCount".
const MaxCount = 50000

// CountUnresolved counts the open and acknowledged tickets of each tier,
// each count read from the tier-and-status index and stopped at MaxCount,
// so that a scrape costs at most 6 × MaxCount index entries however many
// tickets the store holds.
func (s *Store) CountUnresolved(ctx context.Context) (map[ticket.Tier]map[ticket.Status]int, error) {
	out := map[ticket.Tier]map[ticket.Status]int{}
	err := s.db.Read(ctx, func(tx *localdb.Tx) error {
		for _, tier := range ticket.Tiers {
			out[tier] = map[ticket.Status]int{}
			for _, st := range []ticket.Status{ticket.StatusOpen, ticket.StatusAcknowledged} {
				var n int
				err := tx.QueryRow("SELECT count(*) FROM (SELECT 1 FROM tickets WHERE tier = ? AND status = ? LIMIT ?)",
					int(tier), string(st), MaxCount).Scan(&n)
				if err != nil {
					return err
				}
				out[tier][st] = n
			}
		}
		return nil
	})
	if err != nil {
		return nil, unavailable(err)
	}
	return out, nil
}
