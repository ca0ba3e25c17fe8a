package ticket_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/ticket"
)

// BenchmarkNormalize measures Normalize on the hot path of a storm: a
// typical Alertmanager group (clean text, labels, nested details, links),
// the same with colour codes in its text, and one whose details are over
// their limit and must be cut.
//
//	go test -run '^$' -bench Normalize -benchmem ./shared/ticket/
func BenchmarkNormalize(b *testing.B) {
	cases := []struct {
		name string
		sig  ticket.Signal
	}{
		{"typical", groupSignal("", 5)},
		{"escapes_in_text", groupSignal("\x1b[31m", 5)},
		{"details_over_limit", groupSignal("", 3000)},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				s := c.sig // Normalize changes s's fields, never what they point to
				if err := s.Normalize(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// groupSignal is what the alertmanager decoder makes of a group of n
// alerts, with esc in its text.
func groupSignal(esc string, n int) ticket.Signal {
	alerts := make([]any, n)
	for i := range alerts {
		alerts[i] = map[string]any{"status": "firing", "starts_at": "2026-11-23T09:00:00Z",
			"labels":      map[string]string{"alertname": "DiskFull", "instance": fmt.Sprintf("db%d:9100", i), "severity": "critical"},
			"annotations": map[string]string{"summary": esc + "Disk full on db" + fmt.Sprint(i), "description": "/var at 97%"}}
	}
	return ticket.Signal{Action: ticket.Trigger, DedupKey: "{}:{alertname=\"DiskFull\"}",
		Title: esc + "DiskFull: 5 of 5 alerts firing", Description: strings.Repeat("- firing: Disk full on db1 (db1:9100)\n", 5) + esc,
		Severity: "critical", Source: "alertmanager",
		Labels: map[string]string{"alertname": "DiskFull", "severity": "critical", "team": "dba", "env": "prod"},
		Details: map[string]any{"group_key": "{}:{alertname=\"DiskFull\"}", "receiver": "tierline", "status": "firing",
			"firing": n, "resolved": 0, "alerts": alerts},
		Links: []ticket.Link{{Href: "http://alertmanager:9093", Text: "alertmanager"}, {Href: "http://prometheus:9090/graph?g0.expr=up", Text: "source"}}}
}
