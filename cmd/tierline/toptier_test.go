package main

import (
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/wire"
)

// Ensure, through the whole program, that a ticket acknowledged after its
// top tier's acknowledge deadline ran out has its resolve deadline watched:
// the running timers record the missed resolve deadline on the timeline.
func TestTopTierResolveDeadlineEndToEnd(t *testing.T) {
	cfg := `
integrations:
  - {name: prom, kind: generic, token: prom-token}
policies:
  default:
    L1: {acknowledge: 1s, resolve: 2s}
channels:
  L1: [{kind: log}]
api_keys:
  - {name: ops, key: ops-key}
`
	m := MustRunMain(t, cfg, t.TempDir())
	a := api{t, m.URL}
	id := a.hook(`{"title":"Disk full on db-1","dedup_key":"disk-db-1"}`).Results[0].TicketID
	exhausted := func(what string) func() bool {
		return func() bool {
			for _, e := range a.ticket(id).Timeline {
				if e.Kind == "exhausted" && strings.HasPrefix(e.Reason, what) {
					return true
				}
			}
			return false
		}
	}
	eventually(t, 10*time.Second, "the missed acknowledge deadline", exhausted("not acknowledged within 1s at L1"))
	taken := a.act(id, "acknowledge", `{"actor":"alice","note":"looking"}`)
	if !taken.ResolveBy.After(taken.AcknowledgedAt) {
		t.Fatalf("resolve_by %v is not after the acknowledgement %v", taken.ResolveBy, taken.AcknowledgedAt)
	}
	eventually(t, 10*time.Second, "the missed resolve deadline", exhausted("not resolved within 2s at L1"))
	var last wire.Event
	for _, e := range a.ticket(id).Timeline {
		if e.Kind != "notified" {
			last = e
		}
	}
	if late := last.At.Sub(taken.ResolveBy); last.Kind != "exhausted" || late < 0 || late > time.Second {
		t.Fatalf("last move %s %v after the resolve deadline, want exhausted within a second of it", last.Kind, late)
	}
}
