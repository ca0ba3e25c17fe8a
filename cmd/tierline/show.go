package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/tierline/tierline/shared/wire"
)

// showCommand prints one ticket and its timeline: tierline show ID.
func showCommand(ctx context.Context, args []string, stdout io.Writer) error {
	fs := newFlags("show")
	var cf clientFlags
	cf.register(fs)
	rest, err := parseArgs(fs, args, stdout)
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

// printTicket prints a ticket and its timeline. Every string of the
// ticket is escaped (oneLine, text), and the description is indented, so
// that nothing in it can pass for a field or the timeline.
func printTicket(w io.Writer, t wire.Ticket) {
	fmt.Fprintf(w, "%s  %s  %s  %s\n", oneLine(t.ID), oneLine(t.Tier), oneLine(t.Priority), oneLine(strings.ToUpper(t.Status)))
	fmt.Fprintf(w, "%s\n", oneLine(t.Title))
	if t.Description != "" {
		fmt.Fprintf(w, "\n%s\n", indent(text(t.Description), "    "))
	}
	fmt.Fprintln(w)
	row := func(k, v string) {
		if v != "" {
			fmt.Fprintf(w, "  %-15s %s\n", oneLine(k), oneLine(v))
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
	if t.Kind == "problem" {
		row("kind", t.Kind)
	}
	row("problem", t.Problem)
	for _, in := range t.Incidents {
		row("incident", in.ID+"  "+stamp(in.CreatedAt)+"  "+in.Title)
	}
	row("truncated", strings.Join(t.Truncated, ", "))
	if t.Requester != nil {
		row("requester", strings.TrimSpace(t.Requester.Name+" <"+t.Requester.Email+">"))
	}
	row("category", t.Category)
	for _, k := range sortedKeys(t.Labels) {
		row("label "+k, t.Labels[k])
	}
	for _, k := range sortedKeys(t.Details) {
		row("detail "+k, detailValue(t.Details[k]))
	}
	for _, l := range t.Links {
		row("link", strings.TrimSpace(l.Text+" "+l.Href))
	}
	fmt.Fprintln(w, "\nTimeline:")
	for _, e := range t.Timeline {
		fmt.Fprintf(w, "  %s  %-12s %s\n", stamp(e.At), oneLine(e.Kind), eventLine(e))
	}
}

// eventLine says what an event did; its strings are escaped.
func eventLine(e wire.Event) string {
	var parts []string
	if e.Actor != "" {
		parts = append(parts, "by "+oneLine(by(e)))
	}
	switch e.Kind {
	case "escalated":
		parts = append(parts, oneLine(e.From)+" → "+oneLine(e.To))
	case "notified":
		parts = append(parts, fmt.Sprintf("%s via %s (hand-off %d)", oneLine(e.To), oneLine(e.Channel), e.Notice))
	case "resent":
		parts = append(parts, fmt.Sprintf("hand-off %d to %s again", e.Notice, oneLine(e.To)))
	case "assigned":
		parts = append(parts, "to "+oneLine(e.Assignee))
	case "occurred":
		parts = append(parts, fmt.Sprintf("%d times so far", e.Count))
	}
	if e.Reason != "" {
		parts = append(parts, oneLine(e.Reason))
	}
	if e.Note != "" {
		parts = append(parts, fmt.Sprintf("%q", e.Note)) // %q escapes as oneLine does, and quotes
	}
	return strings.Join(parts, "; ")
}

// by names who did e: the api key or integration, and whom it acted for
// beside it, "ops (as alice)", never instead.
func by(e wire.Event) string {
	if e.OnBehalf == "" || e.OnBehalf == e.Actor {
		return e.Actor
	}
	return e.Actor + " (as " + e.OnBehalf + ")"
}

// indent puts prefix before every line of s that is not empty.
func indent(s, prefix string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = prefix + l
		}
	}
	return strings.Join(lines, "\n")
}

// sortedKeys returns the keys of m in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// detailValue shows a detail: a string as it is, anything else as JSON.
func detailValue(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Local().Format("2006-01-02 15:04:05")
}
