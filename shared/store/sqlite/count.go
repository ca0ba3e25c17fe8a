package sqlite

import (
	"context"

	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/store"
)

// Count counts a repeat on the open ticket of a key in one write
// transaction, when that is all the repeat does. Writes are serialised,
// so the milestone event is recorded by the one write that reaches it.
func (s *Store) Count(ctx context.Context, integration, dedupKey string, r store.Repeat) (string, int, bool, error) {
	var id string
	var n int
	err := s.write(ctx, func(tx *localdb.Tx) (bool, error) {
		t, err := load(tx, selectOpen, integration, dedupKey)
		if err != nil || t == nil || r.Changes(t) {
			return false, err
		}
		old := *t
		if err := t.Occur(r.Signal(), r.At); err != nil {
			return false, err
		}
		id, n = t.ID, t.Occurrences
		return save(tx, &old, t)
	})
	if err != nil {
		return "", 0, false, err
	}
	return id, n, id != "", nil
}
