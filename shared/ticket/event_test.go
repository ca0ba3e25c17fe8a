package ticket_test

import (
	"slices"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// TestOccurrenceMilestones checks, through Occur, that a storm of repeats
// marks the timeline only at 2, 10, 100, 1000… occurrences.
func TestOccurrenceMilestones(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		occurrences int // in all, counting the one that opened the ticket
		want        []int
	}{
		// Ensure the opening occurrence is the created event, not an occurred one.
		{name: "one", occurrences: 1, want: nil},
		// Ensure the first repeat is marked: the alert is not a one-off.
		{name: "two", occurrences: 2, want: []int{2}},
		// Ensure 3 to 9 are counted but not marked.
		{name: "nine", occurrences: 9, want: []int{2}},
		// Ensure ten is marked.
		{name: "ten", occurrences: 10, want: []int{2, 10}},
		// Ensure 20, 50 and 99 are not marked.
		{name: "ninety_nine", occurrences: 99, want: []int{2, 10}},
		// Ensure a thousand repeats leave four events.
		{name: "thousand", occurrences: 1000, want: []int{2, 10, 100, 1000}},
		// Ensure 2000, 2 followed by zeros, is not mistaken for 2.
		{name: "two_thousand", occurrences: 2000, want: []int{2, 10, 100, 1000}},
		// Ensure the pattern goes on.
		{name: "ten_thousand", occurrences: 10000, want: []int{2, 10, 100, 1000, 10000}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tk := MustNew(t, ticket.L1)
			for i := 2; i <= tt.occurrences; i++ {
				if err := tk.Occur(ticket.Signal{}, now.Add(time.Duration(i)*time.Second)); err != nil {
					t.Fatalf("Occur %d: %v", i, err)
				}
			}
			if tk.Occurrences != tt.occurrences {
				t.Errorf("Occurrences=%d, want %d", tk.Occurrences, tt.occurrences)
			}
			var got []int
			for _, e := range tk.Timeline {
				if e.Kind == ticket.EventOccurred {
					got = append(got, e.Count)
					if want := now.Add(time.Duration(e.Count) * time.Second); !e.At.Equal(want) {
						t.Errorf("occurred %d At=%v, want %v", e.Count, e.At, want)
					}
				}
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("occurred Counts=%v, want %v", got, tt.want)
			}
			if want := 1 + len(tt.want); len(tk.Timeline) != want {
				t.Errorf("len(Timeline)=%d, want %d", len(tk.Timeline), want)
			}
		})
	}
}
