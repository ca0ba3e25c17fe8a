package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"text/tabwriter"
	"time"

	"github.com/tierline/tierline/shared/wire"
)

// listCommand prints tickets, newest first: tierline tickets [--tier] [--status] [--kind].
func listCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("tickets")
	var cf clientFlags
	cf.register(fs)
	tier := fs.String("tier", "", "only this `tier` (L1, L2, L3)")
	status := fs.String("status", "", "only this `status` (open, acknowledged, resolved)")
	kind := fs.String("kind", "", "only this `kind` (incident, problem)")
	limit := fs.Int("limit", 50, "at most `n` tickets")
	if rest, err := parseArgs(fs, args, stdout); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q; filter with --tier, --status and --kind", rest[0]))
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	q := url.Values{}
	for k, v := range map[string]string{"tier": *tier, "status": *status, "kind": *kind} {
		if v != "" {
			q.Set(k, v)
		}
	}
	var all []wire.Ticket
	for len(all) < *limit {
		q.Set("limit", strconv.Itoa(min(*limit-len(all), 500)))
		page, err := c.list(ctx, q)
		if err != nil {
			return err
		}
		all = append(all, page.Tickets...)
		if page.NextCursor == "" {
			break
		}
		q.Set("cursor", page.NextCursor)
	}
	if cf.json {
		return printJSON(stdout, wire.List{Tickets: all})
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTIER\tPRI\tSTATUS\tAGE\tSEEN\tASSIGNEE\tTITLE")
	for _, t := range all {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%d\t%s\t%s\n", oneLine(t.ID), oneLine(t.Tier), oneLine(t.Priority),
			oneLine(t.Status), age(time.Since(t.CreatedAt)), t.Occurrences, oneLine(dash(t.Assignee)), oneLine(clip(t.Title, 60)))
	}
	if len(all) == 0 {
		fmt.Fprintln(tw, "(no tickets)")
	}
	return tw.Flush()
}

// age writes a duration the way people say it: 45s, 12m, 3h, 2d.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d.Hours()))
	}
	return fmt.Sprintf("%dd", int(d.Hours()/24))
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clip shortens s to n runes, for a table cell.
func clip(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
