package localqueue_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/localdb"
	"github.com/tierline/tierline/shared/queue/localqueue"
	"github.com/tierline/tierline/shared/queue/queuetest"
	"github.com/tierline/tierline/shared/ticket"
)

func mustOpenDB(tb testing.TB, path string) *localdb.DB {
	tb.Helper()
	db, err := localdb.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}

func TestContract(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) queuetest.Harness {
		db := mustOpenDB(t, filepath.Join(t.TempDir(), "q.db"))
		q, err := localqueue.New(context.Background(), db, localqueue.Options{Visibility: 300 * time.Millisecond, MaxReceives: 3})
		if err != nil {
			t.Fatal(err)
		}
		return queuetest.Harness{Queue: q, Visibility: 300 * time.Millisecond, MaxReceives: 3, DeadLetters: q.DeadLetters}
	})
}

// Ensure a message in flight when the program stopped is delivered again at
// the next start, without waiting out its visibility timeout.
func TestRestartReleasesMessagesInFlight(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "q.db")
	db, err := localdb.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	q, err := localqueue.New(ctx, db, localqueue.Options{Visibility: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	n := ticket.Notice{TicketID: "0c7g2m4x9k3t1p", Tier: ticket.L2, Seq: 2}
	if err := q.Send(ctx, n, n); err != nil {
		t.Fatal(err)
	}
	if got, err := q.Receive(ctx, ticket.L2, 10, 0); err != nil || len(got) != 1 {
		t.Fatalf("Receive = %v, %v; want the one notice (sent twice, queued once)", got, err)
	}
	db.Close()

	q2, err := localqueue.New(ctx, mustOpenDB(t, path), localqueue.Options{Visibility: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	got, err := q2.Receive(ctx, ticket.L2, 10, 0)
	if err != nil || len(got) != 1 || got[0].Notice != n || got[0].Attempt != 2 {
		t.Fatalf("after restart Receive = %+v, %v; want %v at Attempt 2", got, err, n)
	}
}
