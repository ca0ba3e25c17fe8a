package localdb_test

import (
	"context"
	"database/sql/driver"
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"modernc.org/sqlite"

	"github.com/tierline/tierline/shared/localdb"
)

// gate is the SQL function test_gate(i): it returns i, and on i = 1 it
// says the statement is running and waits to be let go, so a test can act
// while a statement is in the middle of its rows.
var gate struct {
	entered chan struct{}
	release chan struct{}
}

func init() {
	sqlite.MustRegisterScalarFunction("test_gate", 1, func(_ *sqlite.FunctionContext, args []driver.Value) (driver.Value, error) {
		i, _ := args[0].(int64)
		if i == 1 {
			close(gate.entered)
			<-gate.release
		}
		if i%256 == 0 {
			runtime.Gosched() // let a context watcher run, as a busy server would
		}
		return i, nil
	})
}

// slowInsert inserts rows b1…b5000, passing test_gate on the way.
const slowInsert = `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
	INSERT INTO kv (k, v) SELECT 'b' || i, test_gate(i) FROM n`

// armGate readies test_gate for one statement.
func armGate() (entered <-chan struct{}, release chan<- struct{}) {
	gate.entered, gate.release = make(chan struct{}), make(chan struct{})
	return gate.entered, gate.release
}

// holdCommits starts a write that holds the commit loop until the
// returned function lets it go (or the test ends), so the writes queued
// meanwhile are taken into the next group together.
func holdCommits(t *testing.T, db *localdb.DB) (release func()) {
	t.Helper()
	started, unblock, done := make(chan struct{}), make(chan struct{}), make(chan error, 1)
	go func() {
		done <- db.Write(ctx, func(*localdb.Tx) error {
			close(started)
			<-unblock
			return nil
		})
	}()
	<-started
	var once sync.Once
	release = func() {
		once.Do(func() {
			close(unblock)
			if err := <-done; err != nil {
				t.Errorf("holding write: %v", err)
			}
		})
	}
	t.Cleanup(release)
	return release
}

// waitQueued waits until n writes wait for the commit loop.
func waitQueued(t *testing.T, db *localdb.DB, n int) {
	t.Helper()
	for end := time.Now().Add(10 * time.Second); db.Queued() < n; time.Sleep(time.Millisecond) {
		if time.Now().After(end) {
			t.Fatalf("%d writes queued, want %d", db.Queued(), n)
		}
	}
}

// rows counts the rows whose key starts with prefix.
func rows(t *testing.T, db *localdb.DB, prefix string) int {
	t.Helper()
	var n int
	if err := db.Reader().QueryRow("SELECT COUNT(*) FROM kv WHERE k LIKE ? || '%'", prefix).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// groupOf queues writes in order behind a held commit, so they share one
// transaction, then lets them run; during runs between the release and the
// answers. It returns each write's error.
func groupOf(t *testing.T, db *localdb.DB, during func(), writes ...func() error) []error {
	t.Helper()
	release := holdCommits(t, db)
	results := make([]chan error, len(writes))
	for i, w := range writes {
		results[i] = make(chan error, 1)
		go func() { results[i] <- w() }()
		waitQueued(t, db, i+1)
	}
	release()
	during()
	errs := make([]error, len(writes))
	for i, r := range results {
		errs[i] = <-r
	}
	return errs
}

// checkOutcomes fails the test for each write whose reported outcome is not
// what was stored: an error with rows stored, or success without them.
func checkOutcomes(t *testing.T, db *localdb.DB, errs []error, prefixes []string, want []int) {
	t.Helper()
	for i, err := range errs {
		n := rows(t, db, prefixes[i])
		switch {
		case err != nil && n > 0:
			t.Errorf("write %s was reported failed (%v) but %d rows of it are stored: a retry applies it twice", prefixes[i], err, n)
		case err == nil && n != want[i]:
			t.Errorf("write %s was reported stored, but %d of its %d rows are", prefixes[i], n, want[i])
		}
	}
}

// Ensure a caller that goes away mid-statement touches no write but its
// own: of three writes in one group, the middle one's context is cancelled
// while its statement is running, and every write still runs to completion
// and is told exactly what was stored.
func TestCancelMidStatement(t *testing.T) {
	db := mustOpen(t, t.TempDir()+"/x.db")
	t.Cleanup(func() { db.Close() })
	entered, release := armGate()
	bctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errs := groupOf(t, db, func() {
		<-entered // b's statement is running
		cancel()
		close(release)
	},
		func() error { return put(db, "a", 1) },
		func() error {
			return db.Write(bctx, func(tx *localdb.Tx) error {
				_, err := tx.Exec(slowInsert)
				return err
			})
		},
		func() error { return put(db, "c", 3) },
	)
	checkOutcomes(t, db, errs, []string{"a", "b", "c"}, []int{1, 5000, 1})
	for i, err := range errs {
		if err != nil {
			t.Errorf("write %d of the group: %v; want every write to complete, the cancelled one too", i, err)
		}
	}
}

// Ensure a write that ends the shared transaction, as a full disk or an
// I/O error does in SQLite, cannot make another write's outcome a lie: the
// writes before it are reported failed and are not stored, and the writes
// after it run in a fresh transaction instead of outside any.
func TestWriteThatEndsTheTransaction(t *testing.T) {
	db := mustOpen(t, t.TempDir()+"/x.db")
	t.Cleanup(func() { db.Close() })
	errs := groupOf(t, db, func() {},
		func() error { return put(db, "a", 1) },
		func() error {
			return db.Write(ctx, func(tx *localdb.Tx) error {
				if _, err := tx.Exec("INSERT INTO kv (k, v) VALUES ('b', 2)"); err != nil {
					return err
				}
				_, err := tx.Exec("ROLLBACK") // the error a statement would have swallowed
				return err
			})
		},
		func() error { return put(db, "c", 3) },
	)
	checkOutcomes(t, db, errs, []string{"a", "b", "c"}, []int{1, 1, 1})
	if errs[1] == nil {
		t.Errorf("the write that ended the transaction succeeded")
	}
	if errs[2] != nil {
		t.Errorf("the write after it: %v; want it run in a fresh transaction", errs[2])
	}
}

// Ensure a caller that stops waiting while its write is still queued is
// answered at once with its context's error, and the write never runs.
func TestCancelWhileQueued(t *testing.T) {
	db := mustOpen(t, t.TempDir()+"/x.db")
	t.Cleanup(func() { db.Close() })
	release := holdCommits(t, db)
	cctx, cancel := context.WithCancel(ctx)
	var ran atomic.Bool
	errc := make(chan error, 1)
	go func() {
		errc <- db.Write(cctx, func(tx *localdb.Tx) error {
			ran.Store(true)
			_, err := tx.Exec("INSERT INTO kv (k, v) VALUES ('x', 1)")
			return err
		})
	}()
	waitQueued(t, db, 1)
	cancel()
	select {
	case err := <-errc:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Write = %v, want context.Canceled", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("a caller whose context ended still waits for the write ahead of its own")
	}
	release()
	if err := put(db, "after", 1); err != nil {
		t.Fatal(err)
	}
	if ran.Load() || rows(t, db, "x") != 0 {
		t.Fatalf("the abandoned write ran (ran=%v, %d rows)", ran.Load(), rows(t, db, "x"))
	}
}
