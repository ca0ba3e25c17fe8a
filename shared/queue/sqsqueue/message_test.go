package sqsqueue_test

import (
	"testing"

	"github.com/tierline/tierline/shared/queue/sqsqueue"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure a notice survives Encode and Decode, and its body stays small.
func TestEncodeDecodeRoundTrip(t *testing.T) {
	n := ticket.Notice{TicketID: "0c7g2m4x9k3t1p", Tier: ticket.L2, Seq: 7}
	body := sqsqueue.Encode(n)
	if want := `{"ticket_id":"0c7g2m4x9k3t1p","tier":"L2","seq":7}`; body != want {
		t.Fatalf("Encode = %s, want %s", body, want)
	}
	got, err := sqsqueue.Decode(body)
	if err != nil || got != n {
		t.Fatalf("Decode(Encode(n)) = %+v, %v; want %+v", got, err, n)
	}
}

// Ensure Decode refuses every body that is not a notice, telling bodies
// that are not JSON (Malformed) from JSON of the wrong shape (Invalid).
func TestDecodeRefusesWhatIsNotANotice(t *testing.T) {
	tests := []struct {
		name string
		body string
		code ticket.Code
	}{
		{"empty", ``, ticket.Malformed},
		{"not_json", `hello`, ticket.Malformed},
		{"cut_short", `{"ticket_id":"0c7g2m4x9k3t1p","tier":"L2"`, ticket.Malformed},
		{"data_after_the_notice", `{"ticket_id":"0c7g2m4x9k3t1p","tier":"L2","seq":1} {}`, ticket.Malformed},
		{"array", `[1,2]`, ticket.Invalid},
		{"unknown_field", `{"ticket_id":"0c7g2m4x9k3t1p","tier":"L2","seq":1,"extra":true}`, ticket.Invalid},
		{"bad_ticket_id", `{"ticket_id":"nope","tier":"L2","seq":1}`, ticket.Invalid},
		{"missing_tier", `{"ticket_id":"0c7g2m4x9k3t1p","seq":1}`, ticket.Invalid},
		{"unknown_tier", `{"ticket_id":"0c7g2m4x9k3t1p","tier":"L9","seq":1}`, ticket.Invalid},
		{"seq_zero", `{"ticket_id":"0c7g2m4x9k3t1p","tier":"L1","seq":0}`, ticket.Invalid},
		{"seq_a_string", `{"ticket_id":"0c7g2m4x9k3t1p","tier":"L1","seq":"1"}`, ticket.Invalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sqsqueue.Decode(tc.body)
			if got := ticket.ErrorCode(err); got != tc.code {
				t.Fatalf("Decode(%s) error %v (code %q), want code %q", tc.body, err, got, tc.code)
			}
		})
	}
}
