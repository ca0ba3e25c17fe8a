package sqlite

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/ticket"
)

// The figures table holds the hourly rollups (figures.Part), a row per
// hour, integration, tier and field (a count or a histogram bin), added
// to in the transaction of the change they count: a change is written
// once, so it is counted once, and a report reads the rows of its hours
// only, however many tickets they stand for.

// addFigures adds what the change from old to t counts to the rollups.
func addFigures(tx *localdb.Tx, old, t *ticket.Ticket) error {
	for _, p := range figures.Of(old, t) {
		for field, n := range p.Fields() {
			if _, err := tx.Exec(addFigure, p.Hour.Unix(), p.Integration, int(p.Tier), field, n); err != nil {
				return err
			}
		}
	}
	return nil
}

// Figures returns the rollups of the hours from since up to until
// (since ≤ hour < until), a part per hour, integration and tier.
func (s *Store) Figures(ctx context.Context, since, until time.Time) ([]figures.Part, error) {
	type key = figures.Key
	fields := map[key]map[string]int{}
	var order []key
	err := s.db.Read(ctx, func(tx *localdb.Tx) error {
		rows, err := tx.Query("SELECT hour, integration, tier, field, n FROM figures WHERE hour >= ? AND hour < ? ORDER BY hour, integration, tier",
			since.Unix(), until.Unix())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var hour int64
			var k key
			var tier int
			var field string
			var n int
			if err := rows.Scan(&hour, &k.Integration, &tier, &field, &n); err != nil {
				return err
			}
			k.Hour, k.Tier = time.Unix(hour, 0).UTC(), ticket.Tier(tier)
			if fields[k] == nil {
				fields[k] = map[string]int{}
				order = append(order, k)
			}
			fields[k][field] += n
		}
		return rows.Err()
	})
	if err != nil {
		return nil, unavailable(err)
	}
	parts := make([]figures.Part, 0, len(order))
	for _, k := range order {
		p, err := figures.FromFields(k, fields[k])
		if err != nil {
			return nil, ticket.Wrap(ticket.Internal, err, "sqlite store: read figures")
		}
		parts = append(parts, p)
	}
	return parts, nil
}
