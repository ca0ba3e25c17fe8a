package ticket_test

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/tierline/tierline/shared/ticket"
)

// TestDetailsBounds checks how details over their limits are cut: visibly,
// keeping what says most about the alert, and always within MaxDetails.
func TestDetailsBounds(t *testing.T) {
	t.Parallel()
	huge := strings.Repeat("y", 2*ticket.MaxDetails)
	alerts := make([]any, 4000)
	for i := range alerts {
		alerts[i] = map[string]any{"labels": map[string]string{"instance": fmt.Sprintf("db%04d", i)}, "status": "firing"}
	}
	tests := []struct {
		name  string
		in    map[string]any
		cut   bool
		check func(t *testing.T, d map[string]any)
	}{
		// Ensure details within the limits are kept as they are.
		{name: "within", in: map[string]any{"a": "b", "n": 3.0, "ok": true, "l": []any{nil}},
			check: func(t *testing.T, d map[string]any) {
				if !reflect.DeepEqual(d, map[string]any{"a": "b", "n": 3.0, "ok": true, "l": []any{nil}}) {
					t.Errorf("details %v changed", d)
				}
			}},
		// Ensure values nested deeper than MaxDetailsDepth become "…".
		{name: "too_deep", in: nest(ticket.MaxDetailsDepth + 3), cut: true,
			check: func(t *testing.T, d map[string]any) {
				v := any(d)
				for range ticket.MaxDetailsDepth - 1 {
					v = v.(map[string]any)["n"]
				}
				if got := v.(map[string]any)["n"]; got != "…" {
					t.Errorf("level %d is %v, want …", ticket.MaxDetailsDepth+1, got)
				}
			}},
		// Ensure a huge member is cut while the small ones beside it are kept whole.
		{name: "huge_string_member", in: map[string]any{"dump": huge, "host": "db1", "status": "firing"}, cut: true,
			check: func(t *testing.T, d map[string]any) {
				if d["host"] != "db1" || d["status"] != "firing" {
					t.Errorf("small members lost: %v %v", d["host"], d["status"])
				}
				if s, _ := d["dump"].(string); !strings.HasSuffix(s, "…") || len(s) < ticket.MaxDetails/2 {
					t.Errorf("dump is %d bytes, want it cut, marked, and most of the room used", len(s))
				}
			}},
		// Ensure a long list (an Alertmanager group of 2,000 alerts) keeps its first elements and ends with "…".
		{name: "long_list", in: map[string]any{"alerts": alerts, "firing": 4000.0}, cut: true,
			check: func(t *testing.T, d map[string]any) {
				l, _ := d["alerts"].([]any)
				if len(l) < 100 || l[len(l)-1] != "…" || d["firing"] != 4000.0 {
					t.Errorf("alerts kept %d elements ending %v, firing %v", len(l), l[len(l)-1], d["firing"])
				}
				if !reflect.DeepEqual(l[0], map[string]any{"labels": map[string]any{"instance": "db0000"}, "status": "firing"}) {
					t.Errorf("first alert %v, want it whole", l[0])
				}
			}},
		// Ensure Go values a decoder builds (maps of strings) are kept as JSON reads them.
		{name: "go_values", in: map[string]any{"labels": map[string]string{"a\x1b[1m": "b"}}, cut: false,
			check: func(t *testing.T, d map[string]any) {
				if !reflect.DeepEqual(d["labels"], map[string]any{"a": "b"}) {
					t.Errorf("labels %#v, want a map of any with the key cleaned", d["labels"])
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := ticket.Signal{Action: ticket.Trigger, DedupKey: "k", Title: "t", Details: tt.in}
			if err := s.Normalize(); err != nil {
				t.Fatal(err)
			}
			if cut := hasMark(s.Truncated, ticket.FieldDetails); cut != tt.cut {
				t.Errorf("details marked truncated=%v, want %v", cut, tt.cut)
			}
			b, err := json.Marshal(s.Details)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > ticket.MaxDetails || len(b) != ticket.DetailsSize(s.Details) {
				t.Errorf("encoded %d bytes, DetailsSize %d, limit %d", len(b), ticket.DetailsSize(s.Details), ticket.MaxDetails)
			}
			tt.check(t, s.Details)
		})
	}
}

// Ensure DetailsSize is the exact size encoding/json gives, for any mix of
// values and escapes, and that cut details always fit, whatever they hold.
func TestDetailsSizeIsExact(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for i := range 100 {
		d := randomObject(r, 0, 1+i)
		s := ticket.Signal{Action: ticket.Trigger, DedupKey: "k", Title: "t", Details: d}
		if err := s.Normalize(); err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(s.Details)
		if err != nil {
			t.Fatal(err)
		}
		if n := ticket.DetailsSize(s.Details); n != len(b) || n > ticket.MaxDetails {
			t.Fatalf("case %d: DetailsSize=%d, encoded %d, limit %d", i, n, len(b), ticket.MaxDetails)
		}
	}
}

// randomObject makes an object of up to width members with strings full of
// characters JSON escapes, numbers of every form, and nesting.
func randomObject(r *rand.Rand, depth, width int) map[string]any {
	m := map[string]any{}
	for range r.IntN(width) + 1 {
		m[randomText(r, 8)] = randomValue(r, depth+1, width)
	}
	return m
}

func randomValue(r *rand.Rand, depth, width int) any {
	switch k := r.IntN(8); {
	case k == 0 && depth < 20:
		return randomObject(r, depth, max(width/4, 1))
	case k == 1 && depth < 20:
		l := make([]any, r.IntN(max(width/4, 1))+1)
		for i := range l {
			l[i] = randomValue(r, depth+1, width/4)
		}
		return l
	case k == 2:
		return []float64{0, 1e-7, 1.5e21, -3.25, 123456789012}[r.IntN(5)]
	case k == 3:
		return json.Number("1234567890123456789")
	case k == 4:
		return r.IntN(2) == 0
	case k == 5:
		return nil
	}
	return randomText(r, 1+r.IntN(4000))
}

func randomText(r *rand.Rand, n int) string {
	parts := []string{"a", "<", "&", "\"", "\\", "\n", "\t", "é", "\u2028", "日本", "\x1b[0m", "\xff"}
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(parts[r.IntN(len(parts))])
	}
	return b.String()
}

// nest returns {"n": {"n": … "x"}} n levels deep.
func nest(n int) map[string]any {
	v := any("x")
	for range n {
		v = map[string]any{"n": v}
	}
	return v.(map[string]any)
}

func hasMark(fields []string, field string) bool {
	for _, f := range fields {
		if f == field {
			return true
		}
	}
	return false
}
