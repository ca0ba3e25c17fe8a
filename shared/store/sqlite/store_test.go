package sqlite_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/store/sqlite"
	"github.com/tierline/tierline/shared/store/storetest"
)

// MustOpen returns a Store on a new database file in a temporary directory.
func MustOpen(tb testing.TB) *sqlite.Store {
	tb.Helper()
	db, err := localdb.Open(filepath.Join(tb.TempDir(), "tierline.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	s, err := sqlite.New(context.Background(), db)
	if err != nil {
		tb.Fatal(err)
	}
	return s
}

func TestContract(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return MustOpen(t) })
}
