package ticket_test

import (
	"fmt"
	"testing"

	"github.com/tierline/tierline/shared/ticket"
)

func TestParseStatus(t *testing.T) {
	t.Parallel()
	// Ensure the three statuses read as themselves.
	for _, want := range []ticket.Status{ticket.StatusOpen, ticket.StatusAcknowledged, ticket.StatusResolved} {
		t.Run(string(want), func(t *testing.T) {
			t.Parallel()
			got, err := ticket.ParseStatus(string(want))
			if err != nil {
				t.Fatalf("ParseStatus(%q): %v", want, err)
			}
			if got != want || !got.Valid() {
				t.Errorf("ParseStatus(%q)=%v (Valid=%v), want %v", want, got, got.Valid(), want)
			}
		})
	}

	// Ensure case and surrounding space are forgiven, as in the other parsers.
	for in, want := range map[string]ticket.Status{"Open": ticket.StatusOpen, " resolved ": ticket.StatusResolved} {
		if got, err := ticket.ParseStatus(in); err != nil || got != want {
			t.Errorf("ParseStatus(%q)=%q, %v; want %q", in, got, err, want)
		}
	}

	// Ensure anything else is refused as Invalid: no empty status, no synonyms.
	for _, in := range []string{"", "closed", "ack", "pending"} {
		t.Run(fmt.Sprintf("refuses_%q", in), func(t *testing.T) {
			t.Parallel()
			got, err := ticket.ParseStatus(in)
			if code := ticket.ErrorCode(err); code != ticket.Invalid || got != "" {
				t.Errorf("ParseStatus(%q)=%q, %v; want an %q error", in, got, err, ticket.Invalid)
			}
			if ticket.Status(in).Valid() {
				t.Errorf("Status(%q).Valid=true, want false", in)
			}
		})
	}
}
