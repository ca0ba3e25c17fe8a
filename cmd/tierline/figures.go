package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"text/tabwriter"
	"time"

	"github.com/tierline/tierline/shared/wire"
)

// metricsCommand prints each tier's figures over a window:
// tierline metrics [--since 24h] [--tier] [--integration] [--json].
func metricsCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("metrics")
	var cf clientFlags
	cf.register(fs)
	since := fs.Duration("since", 7*24*time.Hour, "the window: the last `duration` (24h, 168h), in whole hours")
	tier := fs.String("tier", "", "only this `tier` (L1, L2, L3)")
	integration := fs.String("integration", "", "only this `integration` or form")
	if rest, err := parseArgs(fs, args, stdout); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q; narrow with --since, --tier and --integration", rest[0]))
	}
	if *since <= 0 {
		return usageError(fmt.Sprintf("--since %s: want a positive duration such as 24h", *since))
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	q := url.Values{"since": {time.Now().Add(-*since).UTC().Format(time.RFC3339)}}
	for k, v := range map[string]string{"tier": *tier, "integration": *integration} {
		if v != "" {
			q.Set(k, v)
		}
	}
	var m wire.Metrics
	if err := c.do(ctx, http.MethodGet, "/v1/metrics?"+q.Encode(), nil, &m); err != nil {
		return err
	}
	if cf.json {
		return printJSON(stdout, m)
	}
	return printMetrics(stdout, m)
}

// printMetrics is the per-tier table, readable at a glance: what came in
// and went out of each tier, how fast it was taken and solved, what is
// waiting now.
func printMetrics(w io.Writer, m wire.Metrics) error {
	fmt.Fprintf(w, "%s to %s (UTC)\n\n", m.Since.UTC().Format("2006-01-02 15:04"), m.Until.UTC().Format("2006-01-02 15:04"))
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "TIER\tENTERED\tRESOLVED\tFCR\tESCALATED\tREOPENED\tACK BREACH\tRES BREACH\tTTA p50/p90\tTTR p50/p90\tOPEN\tACKED\tOLDEST\t")
	for _, t := range m.Tiers {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%d\t%d\t%d\t%d\t%s\t%s\t%d\t%d\t%s\t\n", oneLine(t.Tier), t.Entered, t.Resolved,
			share(t.Resolved, t.Entered), t.Escalated, t.Reopened, t.AcknowledgeBreaches, t.ResolveBreaches,
			spread(t.TimeToAcknowledge), spread(t.TimeToResolve), t.Open, t.Acknowledged, oldest(t))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if _, err := fmt.Fprintln(w, "\nFCR: resolved / entered at the tier (at L1, the first-contact resolution rate)."); err != nil {
		return err
	}
	return printRecurring(w, m.Recurring)
}

// printRecurring lists the keys that recurred, most tickets first: the
// candidates for a problem record and a fix at the root.
func printRecurring(w io.Writer, rs []wire.Recurring) error {
	if len(rs) == 0 {
		_, err := fmt.Fprintln(w, "\nNothing recurred: no key produced two tickets in the window.")
		return err
	}
	fmt.Fprintln(w, "\nRecurring (two or more tickets of one key):")
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TICKETS\tOCCURRENCES\tLAST SEEN\tINTEGRATION\tKEY\tPROBLEM\tTITLE")
	for _, r := range rs {
		key := r.DedupKey
		if r.DedupKey == "" {
			key = r.Category + ": " + r.Subject
		}
		problem := r.ProblemID
		if problem == "" {
			problem = "-"
		}
		fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%s\t%s\t%s\n", r.Tickets, r.Occurrences, r.LastSeen.UTC().Format("01-02 15:04"),
			oneLine(r.Integration), oneLine(key), problem, oneLine(r.Title))
	}
	return tw.Flush()
}

// share is n of total as a percentage, or "-" when total is 0.
func share(n, total int) string {
	if total == 0 {
		return "-"
	}
	return fmt.Sprintf("%d%%", n*100/total)
}

// spread is a histogram's median and 90th percentile, "-" when empty.
func spread(d wire.Durations) string {
	if d.Count == 0 {
		return "-"
	}
	return age(seconds(d.P50Seconds)) + "/" + age(seconds(d.P90Seconds))
}

// oldest is the age of the tier's oldest unresolved ticket, "-" when it
// has none.
func oldest(t wire.TierMetrics) string {
	if t.Open+t.Acknowledged == 0 {
		return "-"
	}
	return age(seconds(t.OldestOpenSeconds))
}

func seconds(s float64) time.Duration { return time.Duration(s * float64(time.Second)) }
