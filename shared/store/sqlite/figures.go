package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/ticket"
)

// The rollups table holds the hourly rollups (figures.Part), a row per
// hour, integration and tier with its counts and histogram bins encoded
// in one text (encodeFields), rewritten in the transaction of the change
// it counts: a change is written once, so it is counted once, and a
// report reads one row per hour, integration and tier, however many
// tickets and however many distinct durations they stand for.

// addFigures adds what the change from old to t counts to the rollups.
func addFigures(tx *localdb.Tx, old, t *ticket.Ticket) error {
	for _, p := range figures.Of(old, t) {
		var fields string
		switch err := tx.QueryRow(selectRollup, p.Hour.Unix(), p.Integration, int(p.Tier)).Scan(&fields); {
		case errors.Is(err, sql.ErrNoRows):
		case err != nil:
			return err
		default:
			kept, err := decodeFields(p.Key, fields)
			if err != nil {
				return err
			}
			p.Merge(kept)
		}
		if _, err := tx.Exec(putRollup, p.Hour.Unix(), p.Integration, int(p.Tier), encodeFields(p)); err != nil {
			return err
		}
	}
	return nil
}

// encodeFields spells p's fields as "name=n,name=n", sorted by name.
func encodeFields(p figures.Part) string {
	fields := p.Fields()
	var b strings.Builder
	for i, name := range slices.Sorted(maps.Keys(fields)) {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(name)
		b.WriteByte('=')
		b.WriteString(strconv.Itoa(fields[name]))
	}
	return b.String()
}

// decodeFields reads what encodeFields wrote as the part of k.
func decodeFields(k figures.Key, s string) (figures.Part, error) {
	p := figures.Part{Key: k}
	for field := range strings.SplitSeq(s, ",") {
		if field == "" {
			continue
		}
		name, num, ok := strings.Cut(field, "=")
		n, err := strconv.Atoi(num)
		if !ok || err != nil {
			return p, fmt.Errorf("sqlite store: rollup field %q", field)
		}
		if err := p.AddField(name, n); err != nil {
			return p, err
		}
	}
	return p, nil
}

// migrateFigures moves the rollups of a database from before the rollups
// table (a row per field, in table figures) into it, once.
func migrateFigures(tx *localdb.Tx) error {
	var n int
	if err := tx.QueryRow("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'figures'").Scan(&n); err != nil || n == 0 {
		return err
	}
	if _, err := tx.Exec(`INSERT INTO rollups (hour, integration, tier, fields)
		SELECT hour, integration, tier, group_concat(field || '=' || n, ',') FROM figures GROUP BY hour, integration, tier`); err != nil {
		return err
	}
	_, err := tx.Exec("DROP TABLE figures")
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
			var fields string
			if err := rows.Scan(&hour, &k.Integration, &tier, &fields); err != nil {
				return err
			}
			k.Hour, k.Tier = time.Unix(hour, 0).UTC(), ticket.Tier(tier)
			p, err := decodeFields(k, fields)
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
