package sqlite

import (
	"context"
	"database/sql"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/ticket"
)

// The rollups table holds the hourly rollups (figures.Part), a row per
// hour, integration and tier with its counts and histogram bins packed in
// one blob (encodeRollup), rewritten in the transaction of the change it
// counts: a change is written once, so it is counted once, and a report
// reads one row per hour, integration and tier, however many tickets and
// however many distinct durations they stand for.

// addFigures adds what the change from old to t counts to the rollups.
func addFigures(tx *localdb.Tx, old, t *ticket.Ticket) error {
	for _, p := range figures.Of(old, t) {
		var blob []byte
		switch err := tx.QueryRow(selectRollup, p.Hour.Unix(), p.Integration, int(p.Tier)).Scan(&blob); {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			kept, err := decodeRollup(p.Key, blob)
			if err != nil {
				return err
			}
			p.Merge(kept)
		}
		if _, err := tx.Exec(putRollup, p.Hour.Unix(), p.Integration, int(p.Tier), encodeRollup(p)); err != nil {
			return err
		}
	}
	return nil
}

// rollupVersion is the first byte of a rollup's blob.
const rollupVersion = 1

// encodeRollup packs p: the version, the seven counts as varints (in the
// order of figures.Counts), then each histogram (acknowledge, resolve) as
// its length, how many of its bins are not empty, and those bins, each a
// bin and a count. A report
// decodes a bin in a few nanoseconds, so reading the rollups costs what
// their rows do, not what their durations do.
func encodeRollup(p figures.Part) []byte {
	c := p.Counts
	b := []byte{rollupVersion}
	for _, n := range []int{c.Entered, c.Acknowledged, c.Resolved, c.Escalated, c.Reopened, c.AcknowledgeBreaches, c.ResolveBreaches} {
		b = binary.AppendVarint(b, int64(n))
	}
	for _, h := range []figures.Hist{p.Acknowledge, p.Resolve} {
		pairs := 0
		for _, n := range h {
			if n != 0 {
				pairs++
			}
		}
		b = binary.AppendUvarint(b, uint64(len(h)))
		b = binary.AppendUvarint(b, uint64(pairs))
		for bin, n := range h {
			if n != 0 {
				b = binary.AppendUvarint(b, uint64(bin))
				b = binary.AppendVarint(b, int64(n))
			}
		}
	}
	return b
}

// decodeRollup unpacks what encodeRollup packed as the part of k.
func decodeRollup(k figures.Key, b []byte) (figures.Part, error) {
	p := figures.Part{Key: k}
	r := rollupReader{b: b}
	if len(b) == 0 || b[0] != rollupVersion {
		return p, fmt.Errorf("sqlite store: rollup of %s: unknown encoding", k.Hour.Format(time.RFC3339))
	}
	r.b = b[1:]
	c := &p.Counts
	for _, n := range []*int{&c.Entered, &c.Acknowledged, &c.Resolved, &c.Escalated, &c.Reopened, &c.AcknowledgeBreaches, &c.ResolveBreaches} {
		*n = int(r.varint())
	}
	for _, h := range []*figures.Hist{&p.Acknowledge, &p.Resolve} {
		size := r.uvarint()
		if size > figures.MaxBins {
			return p, fmt.Errorf("sqlite store: rollup of %s: a histogram of %d bins", k.Hour.Format(time.RFC3339), size)
		}
		pairs := r.uvarint()
		if size > 0 {
			*h = make(figures.Hist, size)
		}
		for range min(pairs, size) {
			bin := r.uvarint()
			if bin >= size {
				return p, fmt.Errorf("sqlite store: rollup of %s: bin %d past %d", k.Hour.Format(time.RFC3339), bin, size)
			}
			(*h)[bin] = int(r.varint())
		}
	}
	if r.err != nil {
		return p, fmt.Errorf("sqlite store: rollup of %s: %w", k.Hour.Format(time.RFC3339), r.err)
	}
	return p, nil
}

// rollupReader reads varints off a blob, keeping the first error.
type rollupReader struct {
	b   []byte
	err error
}

func (r *rollupReader) uvarint() uint64 {
	v, n := binary.Uvarint(r.b)
	if n <= 0 {
		r.err, r.b = errors.New("truncated"), nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

func (r *rollupReader) varint() int64 {
	v, n := binary.Varint(r.b)
	if n <= 0 {
		r.err, r.b = errors.New("truncated"), nil
		return 0
	}
	r.b = r.b[n:]
	return v
}

// migrateFigures moves the rollups of a database from before the rollups
// table (a row per field, in table figures) into it, once.
func migrateFigures(tx *localdb.Tx) error {
	var n int
	if err := tx.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'figures'").Scan(&n); err != nil || n == 0 {
		return err
	}
	rows, err := tx.Query("SELECT hour, integration, tier, field, n FROM figures ORDER BY hour, integration, tier")
	if err != nil {
		return err
	}
	var parts []*figures.Part
	for rows.Next() {
		var k figures.Key
		var hour int64
		var tier int
		var field string
		var n int
		if err := rows.Scan(&hour, &k.Integration, &tier, &field, &n); err != nil {
			rows.Close()
			return err
		}
		k.Hour, k.Tier = time.Unix(hour, 0).UTC(), ticket.Tier(tier)
		if len(parts) == 0 || parts[len(parts)-1].Key != k {
			parts = append(parts, &figures.Part{Key: k})
		}
		if err := parts[len(parts)-1].AddField(field, n); err != nil {
			rows.Close()
			return err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, p := range parts {
		if _, err := tx.Exec(putRollup, p.Hour.Unix(), p.Integration, int(p.Tier), encodeRollup(*p)); err != nil {
			return err
		}
	}
	_, err = tx.Exec("DROP TABLE figures")
	return err
}

// Figures returns the rollups of the hours from since up to until
// (since ≤ hour < until), a part per hour, integration and tier.
func (s *Store) Figures(ctx context.Context, since, until time.Time) ([]figures.Part, error) {
	var parts []figures.Part
	var bad error
	err := s.db.Read(ctx, func(tx *localdb.Tx) error {
		parts = nil
		rows, err := tx.Query(selectRollups, since.Unix(), until.Unix())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var hour int64
			var k figures.Key
			var tier int
			var blob sql.RawBytes // decoded before the next row: no copy
			if err := rows.Scan(&hour, &k.Integration, &tier, &blob); err != nil {
				return err
			}
			k.Hour, k.Tier = time.Unix(hour, 0).UTC(), ticket.Tier(tier)
			p, err := decodeRollup(k, blob)
			if err != nil {
				bad = err
				return err
			}
			parts = append(parts, p)
		}
		return rows.Err()
	})
	switch {
	case bad != nil:
		return nil, ticket.Wrap(ticket.Internal, bad, "sqlite store: read figures")
	case err != nil:
		return nil, unavailable(err)
	}
	return parts, nil
}
