package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/notify"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// lateHandOff is notice 1 of a ticket that was escalated to L2, because
// L1 did not acknowledge it in time, before notice 1 reached L1.
func lateHandOff(t *testing.T) ticket.HandOff {
	t.Helper()
	d := ticket.Deadlines{Acknowledge: 4 * time.Second, Resolve: time.Hour}
	tk, err := ticket.New("0c7g2m4x9k3t1p", "prom", ticket.Signal{Action: ticket.Trigger, DedupKey: "k", Title: "Disk full"},
		ticket.Placement{Tier: ticket.L1, Deadlines: d}, nil, at)
	if err != nil {
		t.Fatal(err)
	}
	if err := tk.Escalate(ticket.Escalation{To: ticket.L2, Actor: ticket.Tierline, Reason: "not acknowledged within 4s at L1",
		At: at.Add(4 * time.Second), Deadlines: d}); err != nil {
		t.Fatal(err)
	}
	h, _ := tk.HandOff(1)
	return h
}

// Ensure a late page says, in its first line and in the JSON, that the
// ticket moved on and which tier has it now.
func TestLatePage(t *testing.T) {
	h := lateHandOff(t)
	got := notify.Summary(h)
	want := "[L1, moved on to L2] P3 Disk full (ticket 0c7g2m4x9k3t1p)\n" +
		"Moved on to L2 before this page reached you (not acknowledged within 4s at L1); L2 has it now.\nNew from prom"
	if got != want {
		t.Errorf("Summary=%q\nwant     %q", got, want)
	}
	if s := notify.Subject(h); !strings.HasPrefix(s, "[L1, moved on to L2]") {
		t.Errorf("Subject=%q, want it to say the ticket moved on", s)
	}
	hook := newHook(t)
	if err := (&notify.Deliverer{}).Deliver(context.Background(), policy.Channel{Name: "l1", Kind: "webhook", URL: hook.URL}, h); err != nil {
		t.Fatal(err)
	}
	var body struct {
		Tierline struct {
			Tier    string `json:"tier"`
			MovedOn struct {
				To     string    `json:"to"`
				Notice int       `json:"notice"`
				Reason string    `json:"reason"`
				At     time.Time `json:"at"`
			} `json:"moved_on"`
		} `json:"tierline"`
	}
	if err := json.Unmarshal(hook.bodies[0], &body); err != nil {
		t.Fatal(err)
	}
	m := body.Tierline.MovedOn
	if body.Tierline.Tier != "L1" || m.To != "L2" || m.Notice != 2 || m.Reason != "not acknowledged within 4s at L1" || !m.At.Equal(at.Add(4*time.Second)) {
		t.Errorf("webhook JSON %s, want tier L1 and moved_on to L2 (notice 2) with the reason and time", hook.bodies[0])
	}
	if strings.Contains(string(newMessageJSON(t, escalatedHandOff(t))), "moved_on") {
		t.Error("a hand-off on time carries moved_on")
	}
}

func newMessageJSON(t *testing.T, h ticket.HandOff) []byte {
	t.Helper()
	b, err := json.Marshal((&notify.Deliverer{}).NewMessage(policy.Channel{Name: "l1", Kind: "webhook"}, h))
	if err != nil {
		t.Fatal(err)
	}
	return b
}
