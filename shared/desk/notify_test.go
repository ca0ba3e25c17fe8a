package desk_test

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/ticket"
)

// Ensure a notice reaches every channel of its tier, each delivery is
// recorded on the timeline, and a redelivered notice pages no one again.
func TestNotify(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicket(t, e, Alert("db-1"))
	MustDispatch(t, e)
	notices := MustReceive(t, e)
	CheckNotices(t, notices, []ticket.Notice{{TicketID: tk.ID, Tier: ticket.L1, Seq: 1}})
	e.Clock.Add(time.Second)
	if err := e.Desk.Notify(ctx, notices[0]); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	sent := e.Notifier.Take()
	if got := channelsOf(sent); got != "l1-hook,l1-log" {
		t.Errorf("paged %s, want l1-hook,l1-log", got)
	}
	for _, d := range sent {
		h := d.HandOff
		if h.Ticket == nil || h.Ticket.ID != tk.ID || h.Seq != 1 || h.Tier != ticket.L1 || h.From != 0 || h.Kind != ticket.EventCreated {
			t.Errorf("%s: HandOff Seq=%d Tier=%v From=%v Kind=%s, want 1 L1 none created of %s", d.Channel, h.Seq, h.Tier, h.From, h.Kind, tk.ID)
		}
	}
	after := MustGet(t, e, tk.ID)
	if after.Version != tk.Version+1 {
		t.Errorf("Version=%d, want %d: the deliveries to two channels are one write", after.Version, tk.Version+1)
	}
	want := []ticket.Event{
		{At: start.Add(time.Second), Kind: ticket.EventNotified, Actor: ticket.Tierline, Notice: 1, Channel: "l1-hook", To: ticket.L1},
		{At: start.Add(time.Second), Kind: ticket.EventNotified, Actor: ticket.Tierline, Notice: 1, Channel: "l1-log", To: ticket.L1},
	}
	if got := EventsOf(after, ticket.EventNotified); !slices.Equal(got, want) {
		t.Errorf("notified events=%+v, want %+v", got, want)
	}
	if changes := MustOutbox(t, e); len(changes) != 0 {
		t.Errorf("%d outbox changes, want none: a delivery asks for nothing more", len(changes))
	}

	// The queue delivers the same notice again.
	if err := e.Desk.Notify(ctx, notices[0]); err != nil {
		t.Fatalf("Notify again: %v", err)
	}
	if sent := e.Notifier.Take(); len(sent) != 0 {
		t.Errorf("redelivery paged %s, want no one", channelsOf(sent))
	}
	if again := MustGet(t, e, tk.ID); again.Version != after.Version {
		t.Errorf("Version=%d, want %d: a redelivery wrote", again.Version, after.Version)
	}
}

// Ensure a failing channel fails the notice so that it comes again, the
// other channel's delivery is kept, and the retry pages only the failed one.
func TestNotifyFailingChannel(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicket(t, e, Alert("db-1"))
	n := ticket.Notice{TicketID: tk.ID, Tier: ticket.L1, Seq: 1}
	e.Notifier.Fail("l1-hook", errDown)
	err := e.Desk.Notify(ctx, n)
	if !errors.Is(err, errDown) || !strings.Contains(err.Error(), "l1-hook") {
		t.Fatalf("Notify=%v, want the failure of l1-hook", err)
	}
	if got := channelsOf(e.Notifier.Take()); got != "l1-log" {
		t.Errorf("paged %s, want l1-log", got)
	}
	if got := notifiedChannels(MustGet(t, e, tk.ID)); got != "l1-log" {
		t.Errorf("recorded %s, want l1-log", got)
	}

	e.Notifier.Fail("l1-hook", nil)
	if err := e.Desk.Notify(ctx, n); err != nil {
		t.Fatalf("retry: %v", err)
	}
	if got := channelsOf(e.Notifier.Take()); got != "l1-hook" {
		t.Errorf("retry paged %s, want l1-hook only", got)
	}
	if got := notifiedChannels(MustGet(t, e, tk.ID)); got != "l1-log,l1-hook" {
		t.Errorf("recorded %s, want l1-log,l1-hook", got)
	}
}

// Ensure every channel failing fails the notice and records nothing.
func TestNotifyAllChannelsFail(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicket(t, e, Alert("db-1"))
	e.Notifier.Fail("l1-hook", errDown)
	e.Notifier.Fail("l1-log", errors.New("disk full"))
	err := e.Desk.Notify(ctx, ticket.Notice{TicketID: tk.ID, Tier: ticket.L1, Seq: 1})
	if err == nil || !strings.Contains(err.Error(), "l1-hook") || !strings.Contains(err.Error(), "l1-log") {
		t.Errorf("Notify=%v, want both failures", err)
	}
	if after := MustGet(t, e, tk.ID); after.Version != tk.Version {
		t.Errorf("Version=%d, want %d", after.Version, tk.Version)
	}
}

func TestNotifySkips(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		notice func(tb testing.TB, e *Env) ticket.Notice
	}{
		// Ensure an older page of the top tier is dropped once it was paged
		// again: the tier hears of the ticket from the later page.
		{name: "superseded_by_repeat", notice: func(tb testing.TB, e *Env) ticket.Notice {
			tk := MustTicketAt(tb, e, "db-1", ticket.L3)
			e.Clock.Add(10 * time.Minute)
			if _, _, err := e.Desk.Advance(ctx, WakeOf(tk)); err != nil {
				tb.Fatal(err)
			}
			return ticket.Notice{TicketID: tk.ID, Tier: ticket.L3, Seq: tk.Notices}
		}},
		// Ensure a notice the ticket never had is dropped.
		{name: "notice_not_on_timeline", notice: func(tb testing.TB, e *Env) ticket.Notice {
			tk := MustTicket(tb, e, Alert("db-1"))
			return ticket.Notice{TicketID: tk.ID, Tier: ticket.L1, Seq: 9}
		}},
		// Ensure a notice of a ticket that is gone is dropped, not retried forever.
		{name: "missing_ticket", notice: func(testing.TB, *Env) ticket.Notice {
			return ticket.Notice{TicketID: Unknown, Tier: ticket.L1, Seq: 1}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			n := tt.notice(t, e)
			before, _ := e.Desk.Get(ctx, n.TicketID)
			if err := e.Desk.Notify(ctx, n); err != nil {
				t.Fatalf("Notify=%v, want nil", err)
			}
			if sent := e.Notifier.Take(); len(sent) != 0 {
				t.Errorf("paged %s, want no one", channelsOf(sent))
			}
			if before == nil {
				return
			}
			if after := MustGet(t, e, n.TicketID); after.Version != before.Version {
				t.Errorf("Version=%d, want %d: a skipped notice wrote", after.Version, before.Version)
			}
		})
	}
}

// Ensure a tier with no channels takes its hand-offs without error.
func TestNotifyTierWithoutChannels(t *testing.T) {
	t.Parallel()
	e := MustServiceConfig(t, `
policies:
  default:
    L1: {acknowledge: 2m, resolve: 1h}
channels:
  L2: [{name: l2-log, kind: log}]
`)
	tk := MustTicket(t, e, Alert("db-1"))
	if err := e.Desk.Notify(ctx, ticket.Notice{TicketID: tk.ID, Tier: ticket.L1, Seq: 1}); err != nil {
		t.Fatalf("Notify=%v, want nil", err)
	}
	if sent := e.Notifier.Take(); len(sent) != 0 {
		t.Errorf("paged %s, want no one", channelsOf(sent))
	}
	if after := MustGet(t, e, tk.ID); after.Version != tk.Version {
		t.Errorf("Version=%d, want %d", after.Version, tk.Version)
	}
}

func TestNotifyHandOff(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		climb  func(tb testing.TB, e *Env, tk *ticket.Ticket) // moves tk on from L1 after a note and an acknowledgement
		tier   ticket.Tier
		from   ticket.Tier
		kind   ticket.EventKind
		actor  string
		reason string
		note   string
		tried  []ticket.EventKind // kinds of the events before the hand-off that it carries
	}{
		// Ensure a manual hand-off carries who sent it, the hand-off note and what was tried.
		{name: "manual_escalation", climb: func(tb testing.TB, e *Env, tk *ticket.Ticket) {
			escalated(tb, e, tk)
		}, tier: ticket.L2, from: ticket.L1, kind: ticket.EventEscalated, actor: "ann", reason: "escalated by ann", note: "over to you",
			tried: []ticket.EventKind{ticket.EventNoted, ticket.EventAcknowledged}},
		// Ensure an automatic hand-off says which deadline was missed.
		{name: "missed_deadline", climb: func(tb testing.TB, e *Env, tk *ticket.Ticket) {
			e.Clock.Add(time.Hour)
			if _, _, err := e.Desk.Advance(ctx, WakeOf(tk)); err != nil {
				tb.Fatal(err)
			}
		}, tier: ticket.L2, from: ticket.L1, kind: ticket.EventEscalated, actor: ticket.Tierline, reason: "not resolved within 1h at L1",
			tried: []ticket.EventKind{ticket.EventNoted, ticket.EventAcknowledged}},
		// Ensure the second hand-off carries the first escalation and the notes between.
		{name: "second_escalation", climb: func(tb testing.TB, e *Env, tk *ticket.Ticket) {
			tk = escalated(tb, e, tk)
			if _, err := e.Desk.Note(ctx, tk.ID, desk.By("carol"), "the disk is failing"); err != nil {
				tb.Fatal(err)
			}
			if _, err := e.Desk.Escalate(ctx, tk.ID, desk.By("carol"), "needs a disk swap"); err != nil {
				tb.Fatal(err)
			}
		}, tier: ticket.L3, from: ticket.L2, kind: ticket.EventEscalated, actor: "carol", reason: "escalated by carol", note: "needs a disk swap",
			tried: []ticket.EventKind{ticket.EventNoted, ticket.EventAcknowledged, ticket.EventEscalated, ticket.EventNoted}},
		// Ensure a reopened ticket is handed back with the reopen note and its whole history.
		{name: "reopen", climb: func(tb testing.TB, e *Env, tk *ticket.Ticket) {
			if _, err := e.Desk.Resolve(ctx, tk.ID, desk.By("bob"), "freed space"); err != nil {
				tb.Fatal(err)
			}
			if _, err := e.Desk.Reopen(ctx, tk.ID, desk.By("ann"), "full again"); err != nil {
				tb.Fatal(err)
			}
		}, tier: ticket.L1, kind: ticket.EventReopened, actor: "ann", note: "full again",
			tried: []ticket.EventKind{ticket.EventNoted, ticket.EventAcknowledged, ticket.EventResolved}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := MustService(t)
			tk := MustTicket(t, e, Alert("db-1"))
			if _, err := e.Desk.Note(ctx, tk.ID, desk.By("bob"), "checked df -h: /var is full"); err != nil {
				t.Fatal(err)
			}
			tk, err := e.Desk.Acknowledge(ctx, tk.ID, desk.By("bob"), "")
			if err != nil {
				t.Fatal(err)
			}
			tt.climb(t, e, tk)
			paged := MustNotifyAll(t, e)
			tk = MustGet(t, e, tk.ID)
			want := ticket.Notice{TicketID: tk.ID, Tier: tt.tier, Seq: tk.Notices}
			CheckNotices(t, paged.notices[len(paged.notices)-1:], []ticket.Notice{want})
			var last []Delivery
			for _, d := range paged.sent {
				if d.HandOff.Seq == want.Seq {
					last = append(last, d)
				}
			}
			if len(last) != 2 {
				t.Fatalf("hand-off %d reached %d channels, want 2", want.Seq, len(last))
			}
			for _, d := range last {
				h := d.HandOff
				if !strings.HasPrefix(d.Channel, strings.ToLower(tt.tier.String())) {
					t.Errorf("delivered to %s, want a channel of %v", d.Channel, tt.tier)
				}
				if h.Tier != tt.tier || h.Kind != tt.kind || h.Actor != tt.actor || h.Reason != tt.reason || h.Note != tt.note {
					t.Errorf("HandOff Tier=%v Kind=%s Actor=%q Reason=%q Note=%q, want %v %s %q %q %q",
						h.Tier, h.Kind, h.Actor, h.Reason, h.Note, tt.tier, tt.kind, tt.actor, tt.reason, tt.note)
				}
				if h.From != tt.from {
					t.Errorf("HandOff From=%v, want %v", h.From, tt.from)
				}
				var tried []ticket.EventKind
				for _, ev := range h.Tried {
					tried = append(tried, ev.Kind)
				}
				if !slices.Equal(tried, tt.tried) {
					t.Errorf("Tried=%v, want %v", tried, tt.tried)
				}
				if len(h.Tried) > 0 && (h.Tried[0].Note != "checked df -h: /var is full" || h.Tried[0].Actor != "bob") {
					t.Errorf("Tried[0]=%+v, want bob's note", h.Tried[0])
				}
			}
		})
	}
}

// Ensure a manual escalation's hand-off names the tier it came from.
func TestNotifyHandOffFrom(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	tk := MustTicketAt(t, e, "db-1", ticket.L2)
	if err := e.Desk.Notify(ctx, ticket.Notice{TicketID: tk.ID, Tier: ticket.L2, Seq: tk.Notices}); err != nil {
		t.Fatal(err)
	}
	for _, d := range e.Notifier.Take() {
		if d.HandOff.From != ticket.L1 || d.HandOff.Tier != ticket.L2 {
			t.Errorf("%s: From=%v Tier=%v, want L1 L2", d.Channel, d.HandOff.From, d.HandOff.Tier)
		}
	}
}

func channelsOf(ds []Delivery) string {
	var names []string
	for _, d := range ds {
		names = append(names, d.Channel)
	}
	return strings.Join(names, ",")
}

func notifiedChannels(tk *ticket.Ticket) string {
	var names []string
	for _, ev := range EventsOf(tk, ticket.EventNotified) {
		names = append(names, ev.Channel)
	}
	return strings.Join(names, ",")
}
