package sqlite

import (
	"context"
	"fmt"

	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/store"
)

// UpsertAll runs the writes of a request in order in one transaction:
// the first error rolls all of them back. request is not needed here.
func (s *Store) UpsertAll(ctx context.Context, integration, request string, writes []store.Write) ([]store.Applied, error) {
	out := make([]store.Applied, len(writes))
	failed := 0
	err := s.write(ctx, func(tx *localdb.Tx) (bool, error) {
		queued := false
		for i, w := range writes {
			t, q, err := upsert(tx, integration, w.DedupKey, w.Fn)
			if err != nil {
				failed = i
				return false, err
			}
			queued = queued || q
			out[i] = store.Applied{Ticket: t}
			if t != nil {
				out[i].TicketID = t.ID
			}
		}
		return queued, nil
	})
	if err != nil {
		return nil, fmt.Errorf("write %d of %d of request %s: %w", failed+1, len(writes), request, err)
	}
	return out, nil
}
