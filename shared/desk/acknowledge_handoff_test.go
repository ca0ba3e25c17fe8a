package desk_test

import (
	"testing"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure a link's acknowledgement takes the ticket while its hand-off is
// the latest, records the link as the actor and the person beside it, and
// is refused, changing nothing, once a later hand-off superseded it.
func TestAcknowledgeHandOff(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicket(t, e, Alert("db-1"))
	got, err := e.Desk.AcknowledgeHandOff(ctx, tk.ID, 1, desk.Actor{Name: "link:L1/oncall-slack", OnBehalf: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	ev := Last(t, got)
	if got.Status != ticket.StatusAcknowledged || got.Assignee != "alice" || ev.Actor != "link:L1/oncall-slack" || ev.By() != "link:L1/oncall-slack (as alice)" {
		t.Errorf("status %s assignee %q, event by %q; want acknowledged by the link for alice", got.Status, got.Assignee, ev.By())
	}

	old := MustTicket(t, e, Alert("db-2"))
	if _, err := e.Desk.Escalate(ctx, old.ID, desk.By("ops"), "cleared /tmp, still full"); err != nil {
		t.Fatal(err)
	}
	before := MustGet(t, e, old.ID)
	_, err = e.Desk.AcknowledgeHandOff(ctx, old.ID, 1, desk.By("link:L1/oncall-slack"))
	if ticket.ErrorCode(err) != ticket.Conflict {
		t.Fatalf("err = %v, want Conflict for a superseded hand-off", err)
	}
	if after := MustGet(t, e, old.ID); after.Version != before.Version || after.Status != ticket.StatusOpen {
		t.Errorf("a refused link changed the ticket: version %d → %d, status %s", before.Version, after.Version, after.Status)
	}
	if _, err := e.Desk.AcknowledgeHandOff(ctx, old.ID, 2, desk.By("link:L2/oncall")); err != nil {
		t.Errorf("the latest hand-off's link: %v", err)
	}
}
