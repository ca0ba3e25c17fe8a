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
	report, _, err := s.report(ctx, since, until, f)
	return report, err
}

// Series reports the window from since to until as Metrics does, and
// each of spans in it (each [from, to), in whole hours) from the same read
// of the rollups: a chart of 30 days costs one report, not 31. A span's
// report holds its moves and durations, not the unresolved tickets or the
// recurring keys, which are of the whole window.
func (s *Service) Series(ctx context.Context, since, until time.Time, spans [][2]time.Time, f figures.Filter) (figures.Report, []figures.Report, error) {
	report, parts, err := s.report(ctx, since, until, f)
	if err != nil {
		return figures.Report{}, nil, err
	}
	out := make([]figures.Report, len(spans))
	for i, span := range spans {
		out[i] = figures.Sum(span[0], span[1], parts, nil, f)
	}
	return report, out, nil
}

// report is Metrics, with the rollup parts it read.
func (s *Service) report(ctx context.Context, since, until time.Time, f figures.Filter) (figures.Report, []figures.Part, error) {
	now := s.now()
	if until.IsZero() {
		until = now
	}
	if since.IsZero() {
		since = until.Add(-DefaultMetricsWindow)
	}
	switch {
	case !since.Before(until):
		return figures.Report{}, nil, ticket.Errorf(ticket.Invalid, "since %s is not before until %s", since.Format(time.RFC3339), until.Format(time.RFC3339))
	case until.Sub(since) > MaxMetricsWindow:
		return figures.Report{}, nil, ticket.Errorf(ticket.Invalid, "a window of %.0f days is longer than the %.0f days a report may cover", until.Sub(since).Hours()/24, MaxMetricsWindow.Hours()/24)
	}
	from, to := figures.Window(since, until)
	parts, err := s.Store.Figures(ctx, from, to)
	if err != nil {
		return figures.Report{}, nil, err
	}
	unresolved, err := s.Store.Unresolved(ctx, f.Integration)
	if err != nil {
		return figures.Report{}, nil, err
	}
	marks, err := s.Store.Recurring(ctx, from, to)
	if err != nil {
		return figures.Report{}, nil, err
	}
	report := figures.Sum(from, to, parts, unresolved, f)
	if report.Recurring, err = s.recurring(ctx, marks, f.Integration); err != nil {
		return figures.Report{}, nil, err
	}
	return report, parts, nil
}
