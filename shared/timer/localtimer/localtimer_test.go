package localtimer_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/ticket"
	"github.com/tierline/tierline/shared/timer/localtimer"
	"github.com/tierline/tierline/shared/timer/timertest"
)

var ctx = context.Background()

// clock is a controlled clock for Tick.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

func mustOpen(tb testing.TB, path string, now func() time.Time) *localtimer.Timer {
	tb.Helper()
	db, err := localdb.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	tm, err := localtimer.New(ctx, db, localtimer.Options{Now: now, RetryAfter: 10 * time.Second,
		Log: slog.New(slog.NewTextHandler(io.Discard, nil))})
	if err != nil {
		tb.Fatal(err)
	}
	return tm
}

func TestContract(t *testing.T) {
	timertest.Run(t, func(t *testing.T) timertest.Harness {
		tm := mustOpen(t, filepath.Join(t.TempDir(), "t.db"), nil)
		return timertest.Harness{Timer: tm, Pending: tm.Pending}
	})
}

// steps records the wakes a Tick ran and answers with canned results.
type steps struct {
	mu     sync.Mutex
	ran    []ticket.Wake
	answer func(w ticket.Wake) (time.Time, bool, error)
}

func (s *steps) step(_ context.Context, w ticket.Wake) (time.Time, bool, error) {
	s.mu.Lock()
	s.ran = append(s.ran, w)
	s.mu.Unlock()
	return s.answer(w)
}

func (s *steps) take() []ticket.Wake {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := s.ran
	s.ran = nil
	return out
}

// Ensure Tick runs only due timers and follows what the step says: the
// next deadline, done, or a retry after a failure.
func TestTickFollowsTheStep(t *testing.T) {
	c := &clock{now: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	tm := mustOpen(t, filepath.Join(t.TempDir(), "t.db"), c.Now)
	waiting := ticket.Wake{TicketID: "0000000000000a", Clock: 1, At: c.Now().Add(time.Minute)}
	ending := ticket.Wake{TicketID: "0000000000000b", Clock: 1, At: c.Now().Add(time.Minute)}
	failing := ticket.Wake{TicketID: "0000000000000c", Clock: 1, At: c.Now().Add(time.Minute)}
	later := ticket.Wake{TicketID: "0000000000000d", Clock: 1, At: c.Now().Add(time.Hour)}
	if err := tm.Start(ctx, waiting, ending, failing, later); err != nil {
		t.Fatal(err)
	}
	s := &steps{answer: func(w ticket.Wake) (time.Time, bool, error) {
		switch w.TicketID {
		case ending.TicketID:
			return time.Time{}, true, nil
		case failing.TicketID:
			return time.Time{}, false, errors.New("store down")
		}
		return w.At.Add(15 * time.Minute), false, nil
	}}

	if n, err := tm.Tick(ctx, s.step); err != nil || n != 0 {
		t.Fatalf("Tick before any deadline ran %d, %v; want 0", n, err)
	}
	c.Add(time.Minute)
	if n, err := tm.Tick(ctx, s.step); err != nil || n != 3 {
		t.Fatalf("Tick at the deadline ran %d, %v; want 3", n, err)
	}
	if got := s.take(); len(got) != 3 {
		t.Fatalf("ran %v, want the three due timers", got)
	}
	wantPending(t, tm, waiting.TicketID, waiting.At.Add(15*time.Minute))
	wantPending(t, tm, ending.TicketID)
	wantPending(t, tm, failing.TicketID, c.Now().Add(10*time.Second))
	wantPending(t, tm, later.TicketID, later.At)

	if n, _ := tm.Tick(ctx, s.step); n != 0 {
		t.Fatalf("a second Tick at the same instant ran %d timers, want 0", n)
	}
	c.Add(10 * time.Second)
	if n, _ := tm.Tick(ctx, s.step); n != 1 {
		t.Fatalf("Tick after the retry delay ran %d timers, want the failed one", n)
	}
}

func wantPending(t *testing.T, tm *localtimer.Timer, id string, at ...time.Time) {
	t.Helper()
	got, err := tm.Pending(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != len(at) || (len(at) == 1 && !got[0].At.Equal(at[0])) {
		t.Fatalf("Pending(%s) = %v, want due at %v", id, got, at)
	}
}

// Ensure Run wakes for a timer started while it sleeps, and a timer
// survives a restart.
func TestRunWakesAndTimersSurviveRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "t.db")
	db, err := localdb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := localtimer.New(ctx, db, localtimer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	future := ticket.Wake{TicketID: "0000000000000f", Clock: 1, At: time.Now().Add(time.Hour)}
	if err := tm.Start(ctx, future); err != nil {
		t.Fatal(err)
	}
	fired := make(chan ticket.Wake, 1)
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error)
	go func() {
		done <- tm.Run(runCtx, func(_ context.Context, w ticket.Wake) (time.Time, bool, error) {
			fired <- w
			return time.Time{}, true, nil
		})
	}()
	now := ticket.Wake{TicketID: "0000000000000n", Clock: 1, At: time.Now()}
	time.Sleep(50 * time.Millisecond) // let Run go to sleep until the hour-away timer
	if err := tm.Start(ctx, now); err != nil {
		t.Fatal(err)
	}
	select {
	case w := <-fired:
		if w.TicketID != now.TicketID {
			t.Fatalf("fired %v, want %v", w, now)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not wake for a timer due now")
	}
	stop()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	db.Close()

	tm2 := mustOpen(t, path, nil)
	wantPending(t, tm2, future.TicketID, future.At.Truncate(time.Millisecond))
}
