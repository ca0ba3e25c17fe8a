package ticket_test

import (
	"fmt"
	"time"

	"github.com/tierline/tierline/shared/ticket"
)

// A ticket nobody acknowledges at L1 within its deadline climbs to L2, with
// a hand-off that says why.
func ExampleTicket_Escalate() {
	opened := time.Date(2026, time.March, 14, 9, 0, 0, 0, time.UTC)
	s := ticket.Signal{Title: "Disk full on db1", Severity: "critical", Source: "db1"}
	if err := s.Normalize(); err != nil {
		fmt.Println(err)
		return
	}
	l1 := ticket.Placement{Tier: ticket.L1, Policy: "default",
		Deadlines: ticket.Deadlines{Acknowledge: 15 * time.Minute, Resolve: 4 * time.Hour}}
	t, err := ticket.New("0kc2x3hh4r5t6v", "prometheus", s, l1, nil, opened)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Tier, t.Status, t.Priority, "acknowledge by", t.AcknowledgeBy.Format(time.Kitchen))

	// The acknowledge deadline passes: the escalation step moves the ticket up.
	err = t.Escalate(ticket.Escalation{
		To:        ticket.L2,
		Actor:     ticket.Tierline,
		Reason:    "not acknowledged within 15m at L1",
		At:        t.AcknowledgeBy,
		Deadlines: ticket.Deadlines{Acknowledge: 30 * time.Minute, Resolve: 8 * time.Hour},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(t.Tier, t.Status, t.Priority, "acknowledge by", t.AcknowledgeBy.Format(time.Kitchen))

	h, _ := t.HandOff(t.Notices)
	fmt.Printf("hand-off %d: %s → %s, %s\n", h.Seq, h.From, h.Tier, h.Reason)
	// Output:
	// L1 open P1 acknowledge by 9:15AM
	// L2 open P1 acknowledge by 9:45AM
	// hand-off 2: L1 → L2, not acknowledged within 15m at L1
}
