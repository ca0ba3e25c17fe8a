package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/wire"
)

// showCommand prints one ticket and its timeline: tierline show ID.
func showCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("show", flag.ContinueOnError)
	var cf clientFlags
	cf.register(fs)
	rest, err := parseArgs(fs, args)
	if err != nil {
		return err
	}
	if len(rest) != 1 {
		return usageError("usage: tierline show ID")
	}
	c, err := cf.client()
	if err != nil {
		return err
	}
	t, err := c.get(ctx, rest[0])
	if err != nil {
		return err
	}
	if cf.json {
		return printJSON(stdout, t)
	}
	printTicket(stdout, t)
	return nil
}

func printTicket(w io.Writer, t wire.Ticket) {
	fmt.Fprintf(w, "%s  %s  %s  %s\n", t.ID, t.Tier, t.Priority, strings.ToUpper(t.Status))
	fmt.Fprintf(w, "%s\n", t.Title)
	if t.Description != "" {
		fmt.Fprintf(w, "\n%s\n", t.Description)
	}
	fmt.Fprintln(w)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "  %-15s %s\n", k, v)
		}
	}
	row("integration", t.Integration)
	row("source", t.Source)
	row("dedup key", t.DedupKey)
	row("assignee", t.Assignee)
	row("seen", fmt.Sprintf("%d times, first %s, last %s", t.Occurrences, stamp(t.FirstSeen), stamp(t.LastSeen)))
	if t.Status != "resolved" {
		row("acknowledge by", stamp(t.AcknowledgeBy))
		row("resolve by", stamp(t.ResolveBy))
	}
	row("resolution", t.Resolution)
	row("follows", t.Previous)
	if t.Requester != nil {
		row("requester", strings.TrimSpace(t.Requester.Name+" <"+t.Requester.Email+">"))
	}
	row("category", t.Category)
	keys := make([]string, 0, len(t.Labels))
	for k := range t.Labels {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		row("label "+k, t.Labels[k])
	}
	for _, l := range t.Links {
		row("link", strings.TrimSpace(l.Text+" "+l.Href))
	}
	fmt.Fprintln(w, "\nTimeline:")
	for _, e := range t.Timeline {
		fmt.Fprintf(w, "  %s  %-12s %s\n", stamp(e.At), e.Kind, eventLine(e))
	}
}

func eventLine(e wire.Event) string {
	var parts []string
	if e.Actor != "" {
		parts = append(parts, "by "+e.Actor)
	}
	switch e.Kind {
	case "escalated":
		parts = append(parts, e.From+" → "+e.To)
	case "notified":
		parts = append(parts, fmt.Sprintf("%s via %s (hand-off %d)", e.To, e.Channel, e.Notice))
	case "resent":
		parts = append(parts, fmt.Sprintf("hand-off %d to %s again", e.Notice, e.To))
	case "assigned":
		parts = append(parts, "to "+e.Assignee)
	case "occurred":
		parts = append(parts, fmt.Sprintf("%d times so far", e.Count))
	}
	if e.Reason != "" {
		parts = append(parts, e.Reason)
	}
	if e.Note != "" {
		parts = append(parts, fmt.Sprintf("%q", e.Note))
	}
	return strings.Join(parts, "; ")
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05")
}
