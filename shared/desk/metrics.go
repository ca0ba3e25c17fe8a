package desk

import (
	"context"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/ticket"
)

// DefaultMetricsWindow is how far back a report looks when it is not told.
const DefaultMetricsWindow = 7 * 24 * time.Hour

// MaxMetricsWindow bounds a report's window, so that one request reads at
// most this many hours of rollups.
const MaxMetricsWindow = 92 * 24 * time.Hour

// Metrics reports each tier's figures over the whole hours from since to
// until (zero: the last DefaultMetricsWindow up to now), narrowed by f:
// what the stores' hourly rollups counted, and the unresolved tickets as
// of now; and the keys that recurred in the window (see recurring). It
// reads the rollups of the window, the tier-and-status index and the marks
// of recurring tickets, never all the tickets, so it costs the same for
// any number of them.
func (s *Service) Metrics(ctx context.Context, since, until time.Time, f figures.Filter) (figures.Report, error) {
	now := s.now()
	if until.IsZero() {
		until = now
	}
	if since.IsZero() {
		since = until.Add(-DefaultMetricsWindow)
	}
	switch {
	case !since.Before(until):
		return figures.Report{}, ticket.Errorf(ticket.Invalid, "since %s is not before until %s", since.Format(time.RFC3339), until.Format(time.RFC3339))
	case until.Sub(since) > MaxMetricsWindow:
		return figures.Report{}, ticket.Errorf(ticket.Invalid, "a window of %.0f days is longer than the %.0f days a report may cover", until.Sub(since).Hours()/24, MaxMetricsWindow.Hours()/24)
	}
	from, to := figures.Window(since, until)
	parts, err := s.Store.Figures(ctx, from, to)
	if err != nil {
		return figures.Report{}, err
	}
	unresolved, err := s.Store.Unresolved(ctx, f.Integration)
	if err != nil {
		return figures.Report{}, err
	}
	marks, err := s.Store.Recurring(ctx, from, to)
	if err != nil {
		return figures.Report{}, err
	}
	report := figures.Sum(from, to, parts, unresolved, f)
	if report.Recurring, err = s.recurring(ctx, marks, f.Integration); err != nil {
		return figures.Report{}, err
	}
	return report, nil
}
