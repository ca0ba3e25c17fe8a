package ticket_test

import (
	"encoding/json"
	"testing"

	"github.com/tierline/tierline/shared/ticket"
)

func TestParseTier(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
		want ticket.Tier
	}{
		// Ensure the canonical names read.
		{name: "L1", in: "L1", want: ticket.L1},
		// Ensure case is ignored.
		{name: "lower_l2", in: "l2", want: ticket.L2},
		// Ensure the bare number reads.
		{name: "number_3", in: "3", want: ticket.L3},
		// Ensure surrounding space is ignored.
		{name: "spaced", in: " L3\n", want: ticket.L3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ticket.ParseTier(tt.in)
			if err != nil {
				t.Fatalf("ParseTier(%q): %v", tt.in, err)
			}
			if got != tt.want {
				t.Errorf("ParseTier(%q)=%v, want %v", tt.in, got, tt.want)
			}
		})
	}

	refused := []struct {
		name string
		in   string
	}{
		// Ensure nothing is no tier.
		{name: "empty", in: ""},
		// Ensure a bare L is no tier.
		{name: "bare_L", in: "L"},
		// Ensure there is no L0.
		{name: "L0", in: "L0"},
		// Ensure there is no L4.
		{name: "L4", in: "L4"},
		// Ensure one prefix only.
		{name: "double_L", in: "LL1"},
		// Ensure words are not guessed at.
		{name: "word", in: "tier1"},
		// Ensure numbers are not padded.
		{name: "padded", in: "L01"},
	}
	for _, tt := range refused {
		t.Run("refuses_"+tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ticket.ParseTier(tt.in)
			if code := ticket.ErrorCode(err); code != ticket.Invalid || got != 0 {
				t.Errorf("ParseTier(%q)=%v, %v; want an %q error", tt.in, got, err, ticket.Invalid)
			}
		})
	}
}

func TestTierString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		tier  ticket.Tier
		want  string
		valid bool
	}{
		// Ensure the zero Tier prints as nothing.
		{name: "zero", tier: 0, want: "", valid: false},
		// Ensure the tiers print as their names.
		{name: "L1", tier: ticket.L1, want: "L1", valid: true},
		{name: "L2", tier: ticket.L2, want: "L2", valid: true},
		{name: "L3", tier: ticket.L3, want: "L3", valid: true},
		// Ensure an invalid tier is visibly wrong.
		{name: "L4", tier: 4, want: "L4?", valid: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.tier.String(); got != tt.want {
				t.Errorf("String=%q, want %q", got, tt.want)
			}
			if got := tt.tier.Valid(); got != tt.valid {
				t.Errorf("Valid=%v, want %v", got, tt.valid)
			}
		})
	}
}

func TestTierNext(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		tier   ticket.Tier
		want   ticket.Tier
		wantOK bool
	}{
		// Ensure L1 escalates to L2.
		{name: "L1", tier: ticket.L1, want: ticket.L2, wantOK: true},
		// Ensure L2 escalates to L3.
		{name: "L2", tier: ticket.L2, want: ticket.L3, wantOK: true},
		// Ensure L3 is the top.
		{name: "L3_is_top", tier: ticket.L3, want: ticket.L3, wantOK: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := tt.tier.Next()
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Next=%v, %v; want %v, %v", got, ok, tt.want, tt.wantOK)
			}
		})
	}
}

func TestTierText(t *testing.T) {
	t.Parallel()
	type doc struct {
		Tier ticket.Tier `json:"tier"`
	}
	tests := []struct {
		name string
		tier ticket.Tier
		json string
	}{
		// Ensure each tier round-trips as its name.
		{name: "L1", tier: ticket.L1, json: `{"tier":"L1"}`},
		{name: "L2", tier: ticket.L2, json: `{"tier":"L2"}`},
		{name: "L3", tier: ticket.L3, json: `{"tier":"L3"}`},
		// Ensure the zero Tier round-trips as an empty string.
		{name: "zero", tier: 0, json: `{"tier":""}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b, err := json.Marshal(doc{tt.tier})
			if err != nil {
				t.Fatalf("Marshal: %v", err)
			}
			if string(b) != tt.json {
				t.Errorf("Marshal=%s, want %s", b, tt.json)
			}
			var got doc
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("Unmarshal: %v", err)
			}
			if got.Tier != tt.tier {
				t.Errorf("Tier=%v, want %v", got.Tier, tt.tier)
			}
		})
	}

	// Ensure an unknown name is refused as Invalid and leaves the value alone.
	t.Run("refuses_L4", func(t *testing.T) {
		t.Parallel()
		tier := ticket.L2
		err := tier.UnmarshalText([]byte("L4"))
		if code := ticket.ErrorCode(err); code != ticket.Invalid {
			t.Errorf("ErrorCode=%q, want %q", code, ticket.Invalid)
		}
		if tier != ticket.L2 {
			t.Errorf("Tier=%v, want %v", tier, ticket.L2)
		}
	})
}
