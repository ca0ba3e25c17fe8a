package main

import (
	"testing"
	"time"
)

// Ensure the burst's figures: a ticket counts as paged on time only when
// its first L1 page arrived before its escalation, late pages and repeats
// are counted, and hand-offs/s run to the last ticket's first L1 page.
func TestMeasure(t *testing.T) {
	start := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	at := func(ms int) time.Time { return start.Add(time.Duration(ms) * time.Millisecond) }
	pages := map[string][]page{
		"on-time": {{arrived: at(100), tier: "L1"}, {arrived: at(4100), tier: "L2", at: at(4000)}},
		"late": {{arrived: at(4500), tier: "L1", late: true}, {arrived: at(4100), tier: "L2", at: at(4000)},
			{arrived: at(4600), tier: "L1"}}, // a repeat
		"never":         {{arrived: at(4100), tier: "L2", at: at(4000)}},
		"not-escalated": {{arrived: at(2000), tier: "L1"}},
	}
	r := measure(pages, start, time.Second, 4, 0)
	want := result{alerts: 4, tickets: 4, posted: time.Second, l1Pages: 4, firstL1: 100 * time.Millisecond, lastL1: 4500 * time.Millisecond,
		onTime: 1, late: 1, neverL1: 1, noEscalation: 1, repeats: 1}
	if r != want {
		t.Fatalf("measure=%+v\nwant    %+v", r, want)
	}
}
