package sqlite_test

import (
	"context"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/store/sqlite"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure a database that kept its rollups a row per field (table figures,
// before the rollups table) keeps them when it is opened: the rows of one
// hour, integration and tier become one part, and the old table is gone.
func TestOldFiguresAreMigrated(t *testing.T) {
	ctx := context.Background()
	db, err := localdb.Open(filepath.Join(t.TempDir(), "tierline.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	hour := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	err = db.Write(ctx, func(tx *localdb.Tx) error {
		_, err := tx.Exec(`CREATE TABLE figures (hour INTEGER NOT NULL, integration TEXT NOT NULL, tier INTEGER NOT NULL,
			field TEXT NOT NULL, n INTEGER NOT NULL, PRIMARY KEY (hour, integration, tier, field)) WITHOUT ROWID;
			INSERT INTO figures VALUES (?, 'prom', 1, 'entered', 3), (?, 'prom', 1, 'tta_40', 2), (?, 'prom', 2, 'resolved', 1)`,
			hour.Unix(), hour.Unix(), hour.Unix())
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.New(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	parts, err := s.Figures(ctx, hour, hour.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if len(parts) != 2 || parts[0].Tier != ticket.L1 || parts[0].Entered != 3 || parts[0].Acknowledge[40] != 2 ||
		parts[1].Tier != ticket.L2 || parts[1].Resolved != 1 {
		t.Fatalf("migrated rollups %+v, want L1 entered 3 with two in bin 40, L2 resolved 1", parts)
	}
	if _, err := sqlite.New(ctx, db); err != nil { // opened again: nothing left to move
		t.Fatal(err)
	}
}

// Ensure a rollup's blob holds what it was given, and that a damaged one
// is refused rather than read as other figures.
func TestRollupEncoding(t *testing.T) {
	k := figures.Key{Hour: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC), Integration: "prom", Tier: ticket.L2}
	p := figures.Part{Key: k, Counts: figures.Counts{Entered: 7, Resolved: 3, ResolveBreaches: 1},
		Acknowledge: figures.One(90 * time.Second), Resolve: figures.Hist{0, 2, 0, 0, 5}}
	got, err := sqlite.DecodeRollup(k, sqlite.EncodeRollup(p))
	if err != nil || !reflect.DeepEqual(got, p) {
		t.Fatalf("round trip: %+v, %v; want %+v", got, err, p)
	}
	blob := sqlite.EncodeRollup(p)
	for _, bad := range [][]byte{nil, {9}, blob[:len(blob)-1]} {
		if _, err := sqlite.DecodeRollup(k, bad); err == nil {
			t.Errorf("blob %v decoded, want an error", bad)
		}
	}
}
