package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/figures"
	"github.com/tierline/tierline/shared/store"
	"github.com/tierline/tierline/shared/ticket"
)

var figureCases = []struct {
	name string
	fn   func(t *testing.T, s store.Store)
}{
	{"figures_roll_up_each_change_once_by_hour_integration_and_tier", testFigures},
	{"unresolved_counts_each_tier_and_its_oldest", testUnresolved},
	{"recurring_marks_are_kept_once_and_read_by_window", testRecurring},
}

// history drives three tickets through a known morning and returns them:
// a acknowledged and resolved at L1; b missing L1's deadline, acknowledged
// at L2, escalated by hand to L3; c resolved at once, then reopened.
func history(t *testing.T, s store.Store) (a, b, c *ticket.Ticket) {
	t.Helper()
	at := func(hm string) time.Time {
		d, err := time.ParseDuration(hm)
		if err != nil {
			t.Fatal(err)
		}
		return start.Add(d)
	}
	update := func(id string, fn func(tk *ticket.Ticket) error) *ticket.Ticket {
		t.Helper()
		got, err := s.Update(ctx, id, fn)
		if err != nil {
			t.Fatalf("update %s: %v", id, err)
		}
		return got
	}
	a = ingest(t, s, "prom", "disk", start)
	ingest(t, s, "prom", "disk", at("2m")) // a repeat: counts nothing
	update(a.ID, func(tk *ticket.Ticket) error { return tk.Acknowledge("alice", place.Deadlines, at("5m")) })
	a = update(a.ID, func(tk *ticket.Ticket) error { return tk.Resolve("alice", "cleaned /var", at("40m")) })

	b = ingest(t, s, "prom", "cpu", at("10m"))
	update(b.ID, func(tk *ticket.Ticket) error {
		return tk.Escalate(ticket.Escalation{To: ticket.L2, Actor: "tierline", Reason: "not acknowledged within 15m at L1", At: at("25m"), Deadlines: place.Deadlines})
	})
	update(b.ID, func(tk *ticket.Ticket) error { return tk.Acknowledge("bob", place.Deadlines, at("70m")) })
	b = update(b.ID, func(tk *ticket.Ticket) error {
		return tk.Escalate(ticket.Escalation{To: ticket.L3, Actor: "bob", Reason: "manual", Note: "needs a kernel fix", Manual: true, At: at("80m"), Deadlines: place.Deadlines})
	})

	c = ingest(t, s, "grafana", "latency", at("90m"))
	update(c.ID, func(tk *ticket.Ticket) error { return tk.Resolve("carol", "flapped", at("91m")) })
	c = update(c.ID, func(tk *ticket.Ticket) error { return tk.Reopen("carol", "back again", place.Deadlines, at("120m")) })
	return a, b, c
}

func testFigures(t *testing.T, s store.Store) {
	history(t, s)
	h9, h10, h11 := start, start.Add(time.Hour), start.Add(2*time.Hour)
	bin := figures.One
	want := []figures.Part{
		{Key: figures.Key{Hour: h9, Integration: "prom", Tier: ticket.L1},
			Counts:      figures.Counts{Entered: 2, Acknowledged: 1, Resolved: 1, Escalated: 1, AcknowledgeBreaches: 1},
			Acknowledge: bin(5 * time.Minute), Resolve: bin(40 * time.Minute)},
		{Key: figures.Key{Hour: h9, Integration: "prom", Tier: ticket.L2}, Counts: figures.Counts{Entered: 1}},
		{Key: figures.Key{Hour: h10, Integration: "grafana", Tier: ticket.L1},
			Counts: figures.Counts{Entered: 1, Resolved: 1}, Resolve: bin(time.Minute)},
		{Key: figures.Key{Hour: h10, Integration: "prom", Tier: ticket.L2},
			Counts: figures.Counts{Acknowledged: 1, Escalated: 1}, Acknowledge: bin(45 * time.Minute)},
		{Key: figures.Key{Hour: h10, Integration: "prom", Tier: ticket.L3}, Counts: figures.Counts{Entered: 1}},
		{Key: figures.Key{Hour: h11, Integration: "grafana", Tier: ticket.L1}, Counts: figures.Counts{Reopened: 1}},
	}
	got, err := s.Figures(ctx, h9, h11.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	samePartsOf(t, "the whole morning", got, want)

	got, err = s.Figures(ctx, h10, h11)
	if err != nil {
		t.Fatal(err)
	}
	samePartsOf(t, "10:00 to 11:00", got, want[2:5])
}

func samePartsOf(t *testing.T, what string, got, want []figures.Part) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("%s: %d rollups, want %d:\n got %+v\nwant %+v", what, len(got), len(want), got, want)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !g.Hour.Equal(w.Hour) || g.Integration != w.Integration || g.Tier != w.Tier || g.Counts != w.Counts ||
			!sameHist(g.Acknowledge, w.Acknowledge) || !sameHist(g.Resolve, w.Resolve) {
			t.Errorf("%s: rollup %d is\n %+v\nwant\n %+v", what, i, g, w)
		}
	}
}

func sameHist(a, b figures.Hist) bool {
	return len(a) == len(b) && (len(a) == 0 || reflect.DeepEqual(a, b))
}

func testUnresolved(t *testing.T, s store.Store) {
	_, b, c := history(t, s)
	got, err := s.Unresolved(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	want := map[ticket.Tier]figures.Unresolved{
		ticket.L1: {Open: 1, Oldest: ticket.IDTime(c.ID)},
		ticket.L2: {},
		ticket.L3: {Open: 1, Oldest: ticket.IDTime(b.ID)},
	}
	sameUnresolved(t, "every integration", got, want)
	if got, err = s.Unresolved(ctx, "grafana"); err != nil {
		t.Fatal(err)
	}
	want[ticket.L3] = figures.Unresolved{}
	sameUnresolved(t, "grafana", got, want)

	if _, err := s.Update(ctx, c.ID, func(tk *ticket.Ticket) error { return tk.Acknowledge("carol", place.Deadlines, start.Add(3*time.Hour)) }); err != nil {
		t.Fatal(err)
	}
	if got, err = s.Unresolved(ctx, "grafana"); err != nil {
		t.Fatal(err)
	}
	want[ticket.L1] = figures.Unresolved{Acknowledged: 1, Oldest: ticket.IDTime(c.ID)}
	sameUnresolved(t, "grafana, c acknowledged", got, want)
}

func sameUnresolved(t *testing.T, what string, got, want map[ticket.Tier]figures.Unresolved) {
	t.Helper()
	for _, tier := range ticket.Tiers {
		g, w := got[tier], want[tier]
		if g.Open != w.Open || g.Acknowledged != w.Acknowledged || !g.Oldest.Equal(w.Oldest) {
			t.Errorf("%s: %s unresolved %+v, want %+v", what, tier, g, w)
		}
	}
}

// testRecurring marks two keys' tickets, one of them twice over (a retry),
// and reads windows of them: each mark once, oldest first, its key and
// title as marked, only those created in the window.
func testRecurring(t *testing.T, s store.Store) {
	disk, vpn := ticket.AlertKey("monitor", "disk-db-1"), ticket.FormKey("helpdesk", "network", "VPN down!")
	rec := func(id string, at time.Duration, title string) store.Recurrence {
		return store.Recurrence{TicketID: id, Title: title, At: start.Add(at)}
	}
	d1, d2, d3 := rec("d1", 0, "disk full"), rec("d2", time.Hour, "disk full"), rec("d3", 3*time.Hour, "disk full again")
	v1, v2 := rec("v1", 30*time.Minute, "VPN down"), rec("v2", 2*time.Hour, "vpn down!")
	for _, m := range []struct {
		key  ticket.RecurrenceKey
		recs []store.Recurrence
	}{{disk, []store.Recurrence{d1, d2}}, {vpn, []store.Recurrence{v1, v2}}, {disk, []store.Recurrence{d3}}, {disk, []store.Recurrence{d1, d2}}} {
		if err := s.MarkRecurring(ctx, m.key, m.recs); err != nil {
			t.Fatalf("mark %v: %v", m.recs, err)
		}
	}
	mark := func(k ticket.RecurrenceKey, r store.Recurrence) store.Recurring {
		return store.Recurring{Key: k, Recurrence: r}
	}
	for _, tc := range []struct {
		from, to time.Duration
		want     []store.Recurring
	}{
		{0, 4 * time.Hour, []store.Recurring{mark(disk, d1), mark(vpn, v1), mark(disk, d2), mark(vpn, v2), mark(disk, d3)}},
		{time.Hour, 3 * time.Hour, []store.Recurring{mark(disk, d2), mark(vpn, v2)}},
		{4 * time.Hour, 5 * time.Hour, nil},
	} {
		got, err := s.Recurring(ctx, start.Add(tc.from), start.Add(tc.to))
		if err != nil {
			t.Fatal(err)
		}
		for i := range got {
			got[i].At = got[i].At.UTC()
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("recurring from +%s to +%s:\n got %+v\nwant %+v", tc.from, tc.to, got, tc.want)
		}
	}
}
