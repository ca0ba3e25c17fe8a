package ticket_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/tierline/tierline/shared/ticket"
)

func TestParsePriority(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want ticket.Priority
	}{
		// Ensure the canonical names read.
		{name: "P1", in: "P1", want: ticket.P1},
		{name: "P5", in: "P5", want: ticket.P5},
		// Ensure case is ignored.
		{name: "lower_p3", in: "p3", want: ticket.P3},
		// Ensure the bare number reads.
		{name: "number_2", in: "2", want: ticket.P2},
		// Ensure surrounding space is ignored.
		{name: "spaced", in: " P4 ", want: ticket.P4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ticket.ParsePriority(tt.in)
			if err != nil {
				t.Fatalf("ParsePriority(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParsePriority(%q)=%v, want %v", tt.in, got, tt.want)
			}
		})
	}

	// Ensure anything else is refused as Invalid: no P0, no P6, no words, no padding.
	for _, in := range []string{"", "P", "P0", "P6", "P10", "PP1", "high", "P01", "-1"} {
		t.Run(fmt.Sprintf("refuses_%q", in), func(t *testing.T) {
			t.Parallel()
			got, err := ticket.ParsePriority(in)
			if code := ticket.ErrorCode(err); code != ticket.Invalid || got != 0 {
				t.Errorf("ParsePriority(%q)=%v, %v; want an %q error", in, got, err, ticket.Invalid)
			}
		})
	}
}

func TestPriorityForSeverity(t *testing.T) {
	t.Parallel()
	tests := []struct {
		severity string
		want     ticket.Priority
	}{
		// Ensure the P1 words of Prometheus, PagerDuty, syslog and Zabbix map to P1.
		{"critical", ticket.P1}, {"crit", ticket.P1}, {"fatal", ticket.P1}, {"emergency", ticket.P1},
		{"emerg", ticket.P1}, {"alert", ticket.P1}, {"disaster", ticket.P1}, {"page", ticket.P1}, {"sev1", ticket.P1},
		// Ensure the error words map to P2.
		{"error", ticket.P2}, {"err", ticket.P2}, {"high", ticket.P2}, {"major", ticket.P2}, {"sev2", ticket.P2},
		// Ensure the warning words map to P3.
		{"warning", ticket.P3}, {"warn", ticket.P3}, {"average", ticket.P3}, {"medium", ticket.P3},
		{"moderate", ticket.P3}, {"minor", ticket.P3}, {"sev3", ticket.P3},
		// Ensure the info words map to P4.
		{"info", ticket.P4}, {"information", ticket.P4}, {"informational", ticket.P4}, {"notice", ticket.P4},
		{"low", ticket.P4}, {"sev4", ticket.P4},
		// Ensure the debug words map to P5.
		{"debug", ticket.P5}, {"trace", ticket.P5}, {"none", ticket.P5}, {"ok", ticket.P5}, {"sev5", ticket.P5},
		// Ensure case and space are ignored.
		{" CRITICAL ", ticket.P1}, {"Warning", ticket.P3},
		// Ensure a priority name passes through.
		{"P2", ticket.P2}, {"p5", ticket.P5},
		// Ensure a bare number is not a priority name: it is an unknown word.
		{"1", ticket.P3},
		// Ensure an out-of-range priority name is an unknown word.
		{"P9", ticket.P3},
		// Ensure unknown and empty severities are the P3 default.
		{"catastrophic", ticket.P3}, {"", ticket.P3},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%q", tt.severity), func(t *testing.T) {
			t.Parallel()
			if got := ticket.PriorityForSeverity(tt.severity); got != tt.want {
				t.Errorf("PriorityForSeverity(%q)=%v, want %v", tt.severity, got, tt.want)
			}
		})
	}
}

func TestPriorityString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		priority ticket.Priority
		want     string
		valid    bool
	}{
		// Ensure the zero Priority prints as nothing.
		{name: "zero", priority: 0, want: "", valid: false},
		// Ensure the priorities print as their names.
		{name: "P1", priority: ticket.P1, want: "P1", valid: true},
		{name: "P5", priority: ticket.P5, want: "P5", valid: true},
		// Ensure an out-of-range priority is not valid.
		{name: "P6", priority: 6, want: "P6", valid: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.priority.String(); got != tt.want {
				t.Errorf("String=%q, want %q", got, tt.want)
			}
			if got := tt.priority.Valid(); got != tt.valid {
				t.Errorf("Valid=%v, want %v", got, tt.valid)
			}
		})
	}
}

func TestPriorityText(t *testing.T) {
	t.Parallel()
	type doc struct {
		Priority ticket.Priority `json:"priority"`
	}
	for _, p := range []ticket.Priority{0, ticket.P1, ticket.P2, ticket.P3, ticket.P4, ticket.P5} {
		// Ensure every priority, and the zero one, round-trips through its text.
		t.Run(fmt.Sprintf("%q", p.String()), func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(doc{p})
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if want := fmt.Sprintf(`{"priority":%q}`, p.String()); string(b) != want {
				t.Errorf("Marshal=%s, want %s", b, want)
			}
			var got doc
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if got.Priority != p {
				t.Errorf("Priority=%v, want %v", got.Priority, p)
			}
		})
	}

	// Ensure an unknown name is refused as Invalid and leaves the value alone.
	t.Run("refuses_P6", func(t *testing.T) {
		t.Parallel()
		p := ticket.P2
		err := p.UnmarshalText([]byte("P6"))
		if code := ticket.ErrorCode(err); code != ticket.Invalid {
			t.Errorf("ErrorCode=%q, want %q", code, ticket.Invalid)
		}
		if p != ticket.P2 {
			t.Errorf("Priority=%v, want %v", p, ticket.P2)
		}
	})
}
