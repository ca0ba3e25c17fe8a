package desk_test

import (
	"cmp"
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/desk"
	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/queue/localqueue"
	"github.com/tierline/tierline/shared/store/sqlite"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/localtimer"
)

var ctx = context.Background()

// start is the controlled clock's first reading, on a whole millisecond so
// that times survive the adapters' millisecond columns unchanged.
var start = time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)

// testConfig gives the default policy short deadlines (L1 2m, L2 5m, L3 10m
// paged again twice), sends critical alerts straight to L2 as P1, and gives
// every tier a webhook and a log channel. The hardware policy stops at L2;
// the experts policy skips L2.
const testConfig = `
integrations:
  - {name: prometheus, kind: generic, token: "test-token"}
routes:
  - {match: {severity: critical}, tier: L2, priority: P1}
  - {match: {category: password}, tier: L1, priority: P4}
  - {match: {category: hardware}, tier: L1, policy: hardware}
  - {match: {category: database}, tier: L1, policy: experts}
policies:
  default:
    L1: {acknowledge: 2m, resolve: 1h}
    L2: {acknowledge: 5m, resolve: 2h}
    L3: {acknowledge: 10m, resolve: 4h, repeat: 2}
  hardware:
    L1: {acknowledge: 3m, resolve: 1h}
    L2: {acknowledge: 7m, resolve: 3h}
  experts:
    L1: {acknowledge: 2m, resolve: 1h}
    L3: {acknowledge: 20m, resolve: 8h}
channels:
  L1:
    - {name: l1-hook, kind: webhook, url: "https://hooks.example/l1"}
    - {name: l1-log, kind: log}
  L2:
    - {name: l2-hook, kind: webhook, url: "https://hooks.example/l2"}
    - {name: l2-log, kind: log}
  L3:
    - {name: l3-hook, kind: webhook, url: "https://hooks.example/l3"}
    - {name: l3-log, kind: log}
`

// Clock is a controlled clock: it moves only when a test says so.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Add moves the clock forward by d.
func (c *Clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// Delivery is one hand-off the Notifier was given.
type Delivery struct {
	Channel string
	HandOff ticket.HandOff
}

// Notifier is a desk.Notifier that records what it delivers. Delivery
// itself is tested in shared/notify; here only who was paged with what
// matters. A channel told to fail records nothing.
type Notifier struct {
	mu   sync.Mutex
	fail map[string]error
	sent []Delivery
}

// Deliver records h for ch, or fails if ch was told to.
func (n *Notifier) Deliver(_ context.Context, ch policy.Channel, h ticket.HandOff) error {
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := n.fail[ch.Name]; err != nil {
		return err
	}
	n.sent = append(n.sent, Delivery{Channel: ch.Name, HandOff: h})
	return nil
}

// Fail makes deliveries to the channel called name fail with err; a nil
// err heals it.
func (n *Notifier) Fail(name string, err error) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.fail == nil {
		n.fail = map[string]error{}
	}
	n.fail[name] = err
}

// Take returns the deliveries made since the last Take. Notify delivers
// a hand-off to its channels at once, in no order, so the deliveries of
// each hand-off are sorted by channel name.
func (n *Notifier) Take() []Delivery {
	n.mu.Lock()
	defer n.mu.Unlock()
	out := n.sent
	n.sent = nil
	for i := 0; i < len(out); {
		j := i + 1
		for j < len(out) && out[j].HandOff.Ticket.ID == out[i].HandOff.Ticket.ID && out[j].HandOff.Seq == out[i].HandOff.Seq {
			j++
		}
		slices.SortFunc(out[i:j], func(a, b Delivery) int { return cmp.Compare(a.Channel, b.Channel) })
		i = j
	}
	return out
}

// errDown is what a failing channel answers.
var errDown = errors.New("channel is down")

// Env is a desk.Service on the real local adapters, one SQLite file in a
// temporary directory, with the handles the tests look through.
type Env struct {
	Desk     *desk.Service
	Store    *sqlite.Store
	Queue    *localqueue.Queue
	Timer    *localtimer.Timer
	Clock    *Clock
	Notifier *Notifier
}

// MustService returns a desk.Service under testConfig on a new database,
// with a controlled clock at start.
func MustService(tb testing.TB) *Env {
	tb.Helper()
	return MustServiceConfig(tb, testConfig)
}

// MustServiceConfig is MustService with another config.
func MustServiceConfig(tb testing.TB, yaml string) *Env {
	tb.Helper()
	cfg, err := policy.Parse("test.yaml", []byte(yaml))
	if err != nil {
		tb.Fatalf("config: %v", err)
	}
	db, err := localdb.Open(filepath.Join(tb.TempDir(), "tierline.db"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	clock := &Clock{now: start}
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	st, err := sqlite.New(ctx, db)
	if err != nil {
		tb.Fatal(err)
	}
	q, err := localqueue.New(ctx, db, localqueue.Options{Visibility: time.Minute, MaxReceives: 5, Now: clock.Now})
	if err != nil {
		tb.Fatal(err)
	}
	tm, err := localtimer.New(ctx, db, localtimer.Options{Now: clock.Now, Log: quiet})
	if err != nil {
		tb.Fatal(err)
	}
	n := &Notifier{}
	return &Env{
		Desk:  &desk.Service{Store: st, Config: cfg, Queue: q, Timer: tm, Notifier: n, Now: clock.Now, Log: quiet},
		Store: st, Queue: q, Timer: tm, Clock: clock, Notifier: n,
	}
}

// Alert returns a trigger signal of dedup key key.
func Alert(key string) ticket.Signal {
	return ticket.Signal{Action: ticket.Trigger, DedupKey: key, Title: "disk full on " + key,
		Severity: "warning", Source: key}
}

// MustIngest ingests one signal from prometheus and returns its result.
func MustIngest(tb testing.TB, e *Env, sig ticket.Signal) desk.Result {
	tb.Helper()
	rs, err := e.Desk.Ingest(ctx, "prometheus", sig)
	if err != nil {
		tb.Fatalf("Ingest: %v", err)
	}
	if len(rs) != 1 {
		tb.Fatalf("Ingest: %d results, want 1", len(rs))
	}
	return rs[0]
}

// MustTicket opens a ticket for sig and returns it as stored.
func MustTicket(tb testing.TB, e *Env, sig ticket.Signal) *ticket.Ticket {
	tb.Helper()
	r := MustIngest(tb, e, sig)
	if r.Outcome != desk.Created {
		tb.Fatalf("Ingest: Outcome=%v, want %v", r.Outcome, desk.Created)
	}
	return MustGet(tb, e, r.TicketID)
}

// MustTicketIn opens a ticket of dedup key key at L1 and brings it to
// status by hand.
func MustTicketIn(tb testing.TB, e *Env, key string, status ticket.Status) *ticket.Ticket {
	tb.Helper()
	tk := MustTicket(tb, e, Alert(key))
	var err error
	switch status {
	case ticket.StatusAcknowledged:
		tk, err = e.Desk.Acknowledge(ctx, tk.ID, desk.By("ann"), "")
	case ticket.StatusResolved:
		tk, err = e.Desk.Resolve(ctx, tk.ID, desk.By("ann"), "freed space")
	}
	if err != nil {
		tb.Fatalf("bring ticket to %s: %v", status, err)
	}
	return tk
}

// MustTicketAt opens an open ticket of dedup key key at tier, escalating
// it there by hand.
func MustTicketAt(tb testing.TB, e *Env, key string, tier ticket.Tier) *ticket.Ticket {
	tb.Helper()
	tk := MustTicket(tb, e, Alert(key))
	for tk.Tier < tier {
		var err error
		if tk, err = e.Desk.Escalate(ctx, tk.ID, desk.By("ann"), "over to the next tier"); err != nil {
			tb.Fatalf("Escalate to %s: %v", tier, err)
		}
	}
	return tk
}

// MustGet returns the stored ticket id.
func MustGet(tb testing.TB, e *Env, id string) *ticket.Ticket {
	tb.Helper()
	tk, err := e.Desk.Get(ctx, id)
	if err != nil {
		tb.Fatalf("Get %s: %v", id, err)
	}
	return tk
}

// MustOutbox returns the changes waiting in the outbox, oldest first, and
// marks them dispatched.
func MustOutbox(tb testing.TB, e *Env) []ticket.Change {
	tb.Helper()
	entries, err := e.Store.Outbox(ctx, 1000)
	if err != nil {
		tb.Fatalf("Outbox: %v", err)
	}
	var changes []ticket.Change
	var seqs []int64
	for _, en := range entries {
		changes = append(changes, en.Change)
		seqs = append(seqs, en.Seq)
	}
	if err := e.Store.Dispatched(ctx, seqs...); err != nil {
		tb.Fatalf("Dispatched: %v", err)
	}
	return changes
}

// MustDispatch dispatches what waits in the outbox, as the local
// runtime's dispatcher does, and returns the changes it dispatched.
func MustDispatch(tb testing.TB, e *Env) []ticket.Change {
	tb.Helper()
	changes := MustOutbox(tb, e)
	if err := e.Desk.Dispatch(ctx, changes...); err != nil {
		tb.Fatalf("Dispatch: %v", err)
	}
	return changes
}

// MustReceive takes every visible notice off the tier queues, L1 first,
// and deletes them.
func MustReceive(tb testing.TB, e *Env) []ticket.Notice {
	tb.Helper()
	var out []ticket.Notice
	for _, tier := range ticket.Tiers {
		ds, err := e.Queue.Receive(ctx, tier, 100, 0)
		if err != nil {
			tb.Fatalf("Receive %s: %v", tier, err)
		}
		for _, d := range ds {
			if d.Notice.Tier != tier {
				tb.Errorf("notice %s came off the %s queue, but is for %s", d.Notice.Key(), tier, d.Notice.Tier)
			}
			out = append(out, d.Notice)
			if err := e.Queue.Delete(ctx, d); err != nil {
				tb.Fatalf("Delete: %v", err)
			}
		}
	}
	return out
}

// MustSettle dispatches the outbox and empties the queues, so that a test
// starts from a quiet state.
func MustSettle(tb testing.TB, e *Env) {
	tb.Helper()
	MustDispatch(tb, e)
	MustReceive(tb, e)
}

// MustPending returns the running timers of ticket id.
func MustPending(tb testing.TB, e *Env, id string) []ticket.Wake {
	tb.Helper()
	ws, err := e.Timer.Pending(ctx, id)
	if err != nil {
		tb.Fatalf("Pending: %v", err)
	}
	return ws
}

// WakeOf is the wake of tk's current clock.
func WakeOf(tk *ticket.Ticket) ticket.Wake {
	return ticket.Wake{TicketID: tk.ID, Clock: tk.Clock, At: tk.NextDeadline()}
}

// EventsOf returns the events of kind on tk's timeline.
func EventsOf(tk *ticket.Ticket, kind ticket.EventKind) []ticket.Event {
	var out []ticket.Event
	for _, ev := range tk.Timeline {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

// Last returns the last event of tk's timeline.
func Last(tb testing.TB, tk *ticket.Ticket) ticket.Event {
	tb.Helper()
	if len(tk.Timeline) == 0 {
		tb.Fatalf("ticket %s has an empty timeline", tk.ID)
	}
	return tk.Timeline[len(tk.Timeline)-1]
}

// ID is the id of tk, as a person would type it.
func ID(tk *ticket.Ticket) string { return tk.ID }

// hardware is a signal the hardware policy (L1, L2) covers; database one
// the experts policy (L1, L3) covers.
var (
	hardware = ticket.Signal{Title: "broken laptop", DedupKey: "laptop-7", Category: "hardware"}
	database = ticket.Signal{Title: "replication lag", DedupKey: "db-1", Category: "database"}
)

// open returns a setup that opens a ticket for sig.
func open(sig ticket.Signal) func(tb testing.TB, e *Env) *ticket.Ticket {
	return func(tb testing.TB, e *Env) *ticket.Ticket { return MustTicket(tb, e, sig) }
}

// settled opens a ticket for sig and dispatches and receives its hand-off,
// so that what follows starts from a quiet queue and a running clock.
func settled(tb testing.TB, e *Env, sig ticket.Signal) *ticket.Ticket {
	tb.Helper()
	tk := MustTicket(tb, e, sig)
	MustSettle(tb, e)
	return tk
}

// acknowledged opens a ticket and acknowledges it.
func acknowledged(tb testing.TB, e *Env) *ticket.Ticket {
	tb.Helper()
	return MustTicketIn(tb, e, "db-1", ticket.StatusAcknowledged)
}

// escalated escalates tk by hand, which starts its clock's next generation.
func escalated(tb testing.TB, e *Env, tk *ticket.Ticket) *ticket.Ticket {
	tb.Helper()
	tk, err := e.Desk.Escalate(ctx, tk.ID, desk.By("ann"), "over to you")
	if err != nil {
		tb.Fatal(err)
	}
	return tk
}

// LastMove is the latest event of tk that is not a delivery.
func LastMove(tk *ticket.Ticket) ticket.Event {
	for i := len(tk.Timeline) - 1; i >= 0; i-- {
		if tk.Timeline[i].Kind != ticket.EventNotified {
			return tk.Timeline[i]
		}
	}
	return ticket.Event{}
}

// paged is what MustNotifyAll did: the notices it took off the queues and
// the channels it paged, in order.
type paged struct {
	notices []ticket.Notice
	sent    []Delivery
	names   []string
}

// MustNotifyAll dispatches the outbox and runs Notify on every notice it
// queued, as the tier workers do.
func MustNotifyAll(tb testing.TB, e *Env) paged {
	tb.Helper()
	MustDispatch(tb, e)
	var p paged
	p.notices = MustReceive(tb, e)
	for _, n := range p.notices {
		if err := e.Desk.Notify(ctx, n); err != nil {
			tb.Fatalf("Notify %s: %v", n.Key(), err)
		}
	}
	p.sent = e.Notifier.Take()
	for _, d := range p.sent {
		p.names = append(p.names, d.Channel)
	}
	return p
}

// CheckRefused checks that err has code want and that ticket before was
// not written: same version, same timeline, nothing in the outbox.
func CheckRefused(tb testing.TB, e *Env, before *ticket.Ticket, err error, want ticket.Code) {
	tb.Helper()
	if code := ticket.ErrorCode(err); code != want {
		tb.Errorf("Code=%v, want %v (err: %v)", code, want, err)
	}
	after := MustGet(tb, e, before.ID)
	if after.Version != before.Version {
		tb.Errorf("Version=%d, want %d: a refusal stored something", after.Version, before.Version)
	}
	if len(after.Timeline) != len(before.Timeline) {
		tb.Errorf("timeline has %d events, want %d", len(after.Timeline), len(before.Timeline))
	}
	if changes := MustOutbox(tb, e); len(changes) != 0 {
		tb.Errorf("outbox holds %d changes after a refusal, want none", len(changes))
	}
}

// CheckWakes compares wakes by ticket, clock and instant.
func CheckWakes(tb testing.TB, what string, got, want []ticket.Wake) {
	tb.Helper()
	same := len(got) == len(want)
	for i := 0; same && i < len(got); i++ {
		same = got[i].TicketID == want[i].TicketID && got[i].Clock == want[i].Clock && got[i].At.Equal(want[i].At)
	}
	if !same {
		tb.Errorf("%s=%s, want %s", what, wakes(got), wakes(want))
	}
}

func wakes(ws []ticket.Wake) string {
	var b strings.Builder
	b.WriteString("[")
	for i, w := range ws {
		if i > 0 {
			b.WriteString(" ")
		}
		b.WriteString(w.Key() + "@" + w.At.Sub(start).String())
	}
	b.WriteString("]")
	return b.String()
}

// CheckNotices compares notices in any order: queues order messages sent
// at the same instant by their keys.
func CheckNotices(tb testing.TB, got, want []ticket.Notice) {
	tb.Helper()
	if len(got) == 0 && len(want) == 0 {
		return
	}
	byKey := func(a, b ticket.Notice) int { return cmp.Compare(a.Key(), b.Key()) }
	got, want = slices.SortedFunc(slices.Values(got), byKey), slices.SortedFunc(slices.Values(want), byKey)
	if !reflect.DeepEqual(got, want) {
		tb.Errorf("Notices=%v, want %v", got, want)
	}
}

// Unknown is a well-formed ticket id that names no ticket.
const Unknown = "0000000000000z"
