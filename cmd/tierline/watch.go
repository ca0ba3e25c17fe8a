package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/wire"
)

// watchCommand prints a line for every ticket that appears or changes, until
// interrupted: tierline watch [--tier L2] [--status open] [--every 2s].
func watchCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("watch")
	var cf clientFlags
	cf.register(fs)
	tier := fs.String("tier", "", "only this `tier` (L1, L2, L3)")
	status := fs.String("status", "", "only this `status` (open, acknowledged, resolved)")
	every := fs.Duration("every", 2*time.Second, "how often to look")
	if rest, err := parseArgs(fs, args, stdout); err != nil {
		return err
	} else if len(rest) > 0 {
		return usageError(fmt.Sprintf("unexpected argument %q", rest[0]))
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	q := url.Values{"limit": {"100"}}
	for k, v := range map[string]string{"tier": *tier, "status": *status} {
		if v != "" {
			q.Set(k, v)
		}
	}
	w := watcher{out: stdout, seen: map[string]wire.Ticket{}}
	for first := true; ; first = false {
		page, err := c.list(ctx, q)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			fmt.Fprintf(stdout, "%s  (cannot list tickets: %v)\n", time.Now().Format("15:04:05"), err)
		} else {
			w.update(page.Tickets, first)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(*every):
		}
	}
}

// watcher remembers the tickets it has shown and says what changed.
type watcher struct {
	out  io.Writer
	seen map[string]wire.Ticket
}

func (w *watcher) update(tickets []wire.Ticket, first bool) {
	for i := len(tickets) - 1; i >= 0; i-- { // oldest first, as things happened
		t := tickets[i]
		old, known := w.seen[t.ID]
		w.seen[t.ID] = t
		if known && old.Version == t.Version {
			continue
		}
		what := "new"
		switch {
		case first:
			what = "now"
		case known:
			what = changes(old, t)
		}
		fmt.Fprintf(w.out, "%s  %s  %-3s %-3s %-12s %-14s %s\n", t.UpdatedAt.Local().Format("15:04:05"), oneLine(t.ID),
			oneLine(t.Tier), oneLine(t.Priority), oneLine(t.Status), what, oneLine(clip(t.Title, 60)))
	}
}

// changes says in a few words how a ticket changed between two versions.
func changes(old, t wire.Ticket) string {
	var parts []string
	if old.Tier != t.Tier {
		parts = append(parts, oneLine(old.Tier)+"→"+oneLine(t.Tier))
	}
	if old.Status != t.Status {
		parts = append(parts, oneLine(t.Status))
	}
	if old.Assignee != t.Assignee && t.Assignee != "" {
		parts = append(parts, "→"+oneLine(t.Assignee))
	}
	if t.Occurrences > old.Occurrences {
		parts = append(parts, fmt.Sprintf("seen %d×", t.Occurrences))
	}
	if len(parts) == 0 {
		return "updated"
	}
	return strings.Join(parts, ", ")
}
