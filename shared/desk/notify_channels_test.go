package desk_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/policy"
	"github.com/tierline/tierline/shared/ticket"
)

// barrier is a desk.Notifier whose deliveries each wait until want of them
// are in flight at once, or fail after a while when they never are.
type barrier struct {
	want    int
	mu      sync.Mutex
	waiting int
	all     chan struct{}
}

func (b *barrier) Deliver(ctx context.Context, _ policy.Channel, _ ticket.HandOff) error {
	b.mu.Lock()
	if b.waiting++; b.waiting == b.want {
		close(b.all)
	}
	b.mu.Unlock()
	select {
	case <-b.all:
		return nil
	case <-time.After(5 * time.Second):
		return fmt.Errorf("only %d of %d channels were ever in flight at once", b.waiting, b.want)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Ensure a hand-off goes to all channels of its tier at once, and their
// deliveries are recorded in one write.
func TestNotifyChannelsAtOnce(t *testing.T) {
	t.Parallel()
	e := MustServiceConfig(t, `
channels:
  L1:
    - {name: chat, kind: webhook, url: "https://hooks.example/chat"}
    - {name: pager, kind: webhook, url: "https://hooks.example/pager"}
    - {name: log, kind: log}
`)
	e.Desk.Notifier = &barrier{want: 3, all: make(chan struct{})}
	tk := MustTicket(t, e, Alert("db-1"))
	if err := e.Desk.Notify(ctx, ticket.Notice{TicketID: tk.ID, Tier: ticket.L1, Seq: 1}); err != nil {
		t.Fatalf("Notify: %v", err)
	}
	after := MustGet(t, e, tk.ID)
	if got := notifiedChannels(after); got != "chat,pager,log" {
		t.Errorf("recorded %s, want chat,pager,log", got)
	}
	if after.Version != tk.Version+1 {
		t.Errorf("Version=%d, want %d: three deliveries are one write", after.Version, tk.Version+1)
	}
}

// stuck is a desk.Notifier on which channel l1-hook answers only
// when its context ends; the others answer at once.
type stuck struct{}

func (stuck) Deliver(ctx context.Context, ch policy.Channel, _ ticket.HandOff) error {
	if ch.Name == "l1-hook" {
		<-ctx.Done()
		return ctx.Err()
	}
	return nil
}

// Ensure a channel that hangs is cut off before the caller's deadline,
// with time left to record the delivery that went through, so that a
// Lambda answers for its batch and the retry pages only the stuck channel.
func TestNotifyStuckChannel(t *testing.T) {
	t.Parallel()
	e := MustService(t)
	e.Desk.Notifier = stuck{}
	tk := MustTicket(t, e, Alert("db-1"))
	cctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	err := e.Desk.Notify(cctx, ticket.Notice{TicketID: tk.ID, Tier: ticket.L1, Seq: 1})
	if cctx.Err() != nil {
		t.Errorf("Notify returned after its deadline (%v): the caller had no time to answer", cctx.Err())
	}
	if err == nil || !strings.Contains(err.Error(), "l1-hook") {
		t.Errorf("Notify=%v, want the stuck channel's failure", err)
	}
	if got := notifiedChannels(MustGet(t, e, tk.ID)); got != "l1-log" {
		t.Errorf("recorded %q, want l1-log, which took the page", got)
	}
}
