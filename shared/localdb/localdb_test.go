package localdb_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tierline/tierline/shared/localdb"
)

var ctx = context.Background()

func mustOpen(tb testing.TB, path string) *localdb.DB {
	tb.Helper()
	db, err := localdb.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	if err := db.Write(ctx, func(tx *localdb.Tx) error {
		_, err := tx.Exec("CREATE TABLE IF NOT EXISTS kv (k TEXT PRIMARY KEY, v INTEGER)")
		return err
	}); err != nil {
		tb.Fatal(err)
	}
	return db
}

func put(db *localdb.DB, k string, v int) error {
	return db.Write(ctx, func(tx *localdb.Tx) error {
		_, err := tx.Exec("INSERT INTO kv (k, v) VALUES (?, ?)", k, v)
		return err
	})
}

func count(tb testing.TB, db *localdb.DB) int {
	tb.Helper()
	var n int
	if err := db.Reader().QueryRow("SELECT COUNT(*) FROM kv").Scan(&n); err != nil {
		tb.Fatal(err)
	}
	return n
}

// Ensure concurrent writes share commits yet each is visible, and durable
// across a reopen, once its Write returns; and that a failing or panicking
// write rolls back only itself.
func TestGroupCommit(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.db")
	db := mustOpen(t, path)
	if err := put(db, "seed", 0); err != nil {
		t.Fatal(err)
	}
	const n = 300
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch i % 10 {
			case 3: // a constraint violation
				errs[i] = put(db, "seed", i)
			case 7:
				errs[i] = db.Write(ctx, func(tx *localdb.Tx) error {
					if _, err := tx.Exec("INSERT INTO kv (k, v) VALUES (?, ?)", fmt.Sprint(i), i); err != nil {
						return err
					}
					panic("boom")
				})
			default:
				errs[i] = put(db, fmt.Sprint(i), i)
			}
		}()
	}
	wg.Wait()
	want := 1 // the seed
	for i, err := range errs {
		switch {
		case i%10 == 3 || i%10 == 7:
			if err == nil {
				t.Errorf("write %d succeeded, want an error", i)
			}
		case err != nil:
			t.Errorf("write %d: %v", i, err)
		default:
			want++
		}
	}
	if got := count(t, db); got != want {
		t.Fatalf("%d rows, want %d: a failed write took others with it or left rows", got, want)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	if err := put(db, "late", 1); !errors.Is(err, localdb.ErrClosed) {
		t.Fatalf("Write after Close = %v, want ErrClosed", err)
	}
	db2 := mustOpen(t, path)
	defer db2.Close()
	if got := count(t, db2); got != want {
		t.Fatalf("after reopening: %d rows, want %d", got, want)
	}
}

// Ensure a write whose context ended before it ran does nothing.
func TestCancelledWrite(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	defer db.Close()
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	err := db.Write(cctx, func(tx *localdb.Tx) error {
		_, err := tx.Exec("INSERT INTO kv (k, v) VALUES ('x', 1)")
		return err
	})
	if err == nil || count(t, db) != 0 {
		t.Fatalf("cancelled Write = %v with %d rows, want an error and none", err, count(t, db))
	}
}

// BenchmarkWriteParallel measures group-committed writes from 16
// goroutines per core, under a plain context and under a cancellable one
// like an HTTP request's.
func BenchmarkWriteParallel(b *testing.B) {
	for _, bc := range []struct {
		name string
		ctx  func() (context.Context, context.CancelFunc)
	}{
		{"background", func() (context.Context, context.CancelFunc) { return ctx, func() {} }},
		{"cancellable", func() (context.Context, context.CancelFunc) { return context.WithCancel(ctx) }},
	} {
		b.Run(bc.name, func(b *testing.B) {
			db := mustOpen(b, filepath.Join(b.TempDir(), "x.db"))
			defer db.Close()
			var i atomic.Int64
			b.SetParallelism(16)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					k := i.Add(1)
					wctx, cancel := bc.ctx()
					err := db.Write(wctx, func(tx *localdb.Tx) error {
						_, err := tx.Exec("INSERT INTO kv (k, v) VALUES (?, ?)", fmt.Sprint(k), k)
						return err
					})
					cancel()
					if err != nil {
						b.Error(err)
					}
				}
			})
		})
	}
}

// Ensure prepared statements and plain SQL both run inside a write and a
// read, and that statements can be prepared while writes go on.
func TestPreparedStatements(t *testing.T) {
	db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
	defer db.Close()
	const ins = "INSERT INTO kv (k, v) VALUES (?, ?)"
	if err := db.Prepare(ins, "SELECT v FROM kv WHERE k = ?"); err != nil {
		t.Fatal(err)
	}
	if err := db.Write(ctx, func(tx *localdb.Tx) error {
		if _, err := tx.Exec(ins, "a", 1); err != nil {
			return err
		}
		_, err := tx.Exec("INSERT INTO kv (k, v) VALUES ('b', 2)") // not prepared
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var a, b int
	err := db.Read(ctx, func(tx *localdb.Tx) error {
		if err := tx.QueryRow("SELECT v FROM kv WHERE k = ?", "a").Scan(&a); err != nil {
			return err
		}
		return tx.QueryRow("SELECT v FROM kv WHERE k = 'b'").Scan(&b)
	})
	if err != nil || a != 1 || b != 2 {
		t.Fatalf("read a=%d b=%d, %v; want 1 and 2", a, b, err)
	}
}

// Ensure writes racing Close either finish or fail with ErrClosed, and
// none hangs.
func TestWriteRacingClose(t *testing.T) {
	for range 20 {
		db := mustOpen(t, filepath.Join(t.TempDir(), "x.db"))
		var wg sync.WaitGroup
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := put(db, fmt.Sprint(i), i); err != nil && !errors.Is(err, localdb.ErrClosed) {
					t.Errorf("write: %v", err)
				}
			}()
		}
		db.Close()
		done := make(chan struct{})
		go func() { wg.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			t.Fatal("a write racing Close hung")
		}
	}
}
