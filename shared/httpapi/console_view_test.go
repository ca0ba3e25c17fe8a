package httpapi

import (
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// Ensure only http and https links of a ticket become links; any other
// (which intake refuses today, but a stored ticket may predate that) is
// shown as text.
func TestConsoleLinksOnlyHTTP(t *testing.T) {
	for href, link := range map[string]bool{
		"https://grafana.example/d/1": true, "http://10.0.0.1:3000/": true,
		"javascript:alert(1)": false, "data:text/html,<b>x</b>": false, "//evil.example/": false, "ftp://x/": false, "https:/x": false,
	} {
		got := shownLinks([]ticket.Link{{Href: href}})[0]
		if (got.Href != "") != link || got.Text != href {
			t.Errorf("%q: shown as %+v, want a link %v with the address as its text", href, got, link)
		}
	}
}

// Ensure deadlines read as people say them, rounded down to two units.
func TestConsoleSpan(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for d, want := range map[time.Duration]string{
		59 * time.Second: "in 59s", 3*time.Minute + 59*time.Second: "in 3m", time.Hour: "in 1h",
		65 * time.Minute: "in 1h 5m", 51 * time.Hour: "in 2d 3h", 48 * time.Hour: "in 2d",
		0: "breached 0s ago", -2*time.Minute - 30*time.Second: "breached 2m ago",
	} {
		got := newDue("x", now.Add(d), now)
		if got.Rel != want || got.Breached != (d <= 0) {
			t.Errorf("%v: %q (breached %v), want %q", d, got.Rel, got.Breached, want)
		}
	}
}
