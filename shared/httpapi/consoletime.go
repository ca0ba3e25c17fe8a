package httpapi

import (
	"fmt"
	"time"
)

// The console says when in words, relative to now ("in 3m", "breached 2m
// ago"), because an on-call engineer asks how long is left, not what time
// it is; the exact time is beside it, in UTC.

// due is a deadline as the console shows it.
type due struct {
	Label    string // what must happen by then: "Acknowledge by"
	At       time.Time
	Rel      string // "in 3m" or "breached 2m ago"
	Breached bool
}

// newDue is deadline at as seen at now. A deadline is breached once now
// has reached it, as the escalation step counts it.
func newDue(label string, at, now time.Time) due {
	if at.After(now) {
		return due{Label: label, At: at, Rel: "in " + span(at.Sub(now))}
	}
	return due{Label: label, At: at, Rel: "breached " + span(now.Sub(at)) + " ago", Breached: true}
}

// Exact is the deadline's time for people, to the second, in UTC.
func (d due) Exact() string { return exactTime(d.At) }

// ISO is the deadline's time for <time datetime>.
func (d due) ISO() string { return d.At.UTC().Format(time.RFC3339) }

func exactTime(t time.Time) string { return t.UTC().Format("2 Jan 2006, 15:04:05 MST") }

// span is a duration in at most two units, rounded down: 45s, 3m, 1h 5m,
// 2d 3h.
func span(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", int(d/time.Second))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 24*time.Hour:
		return twoUnits(int(d/time.Hour), "h", int(d%time.Hour/time.Minute), "m")
	}
	return twoUnits(int(d/(24*time.Hour)), "d", int(d%(24*time.Hour)/time.Hour), "h")
}

func twoUnits(a int, ua string, b int, ub string) string {
	if b == 0 {
		return fmt.Sprintf("%d%s", a, ua)
	}
	return fmt.Sprintf("%d%s %d%s", a, ua, b, ub)
}

// since says how long ago t was: "5m ago".
func since(t, now time.Time) string {
	if t.After(now) {
		return "just now"
	}
	return span(now.Sub(t)) + " ago"
}
