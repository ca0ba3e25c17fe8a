// Package localdb is the embedded database of the local runtime: one SQLite
// file (modernc.org/sqlite, pure Go) in WAL mode, shared by the local twins
// of the AWS adapters (store/sqlite, queue/localqueue, timer/localtimer) the
// way the AWS adapters share an SDK configuration.
//
// All writes go through one goroutine that commits them in groups: every
// write waiting when a transaction starts joins it, each in a savepoint of
// its own, and none returns before the transaction is committed and fsync'd
// (synchronous=FULL). A write is therefore durable when Write returns, while
// one fsync is shared by as many concurrent writes as arrive together.
// What Write returns is exactly what happened to that write, whatever
// happens to the callers of the others (see commit.go).
// Reads use a separate pool of connections and never wait for writes.
package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// maxBatch bounds how many writes share one transaction, so a burst cannot
// hold the answer of its first write back for long.
const maxBatch = 256

// ErrClosed is returned by Write after Close.
var ErrClosed = errors.New("localdb: closed")

// DB is an open embedded database.
type DB struct {
	writer *sql.DB // one connection, used only by the commit loop
	reader *sql.DB
	ops    chan *op
	stmts  sync.Map // "w:"+query → *sql.Stmt on the writer, "r:"+query → on the readers
	quit   chan struct{}
	done   chan struct{}
	once   sync.Once
}

// Open opens (creating if needed) the database file at path.
func Open(path string) (*DB, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("localdb: %w", err)
	}
	dsn := path + "?_busy_timeout=10000&_journal_mode=WAL&_synchronous=FULL&_txlock=immediate&_pragma=temp_store(MEMORY)"
	writer, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("localdb: open %s: %w", path, err)
	}
	writer.SetMaxOpenConns(1)
	if err := writer.Ping(); err != nil {
		writer.Close()
		return nil, fmt.Errorf("localdb: open %s: %w", path, err)
	}
	reader, err := sql.Open("sqlite", path+"?_busy_timeout=10000&_query_only=1")
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("localdb: open %s: %w", path, err)
	}
	reader.SetMaxOpenConns(4)
	db := &DB{writer: writer, reader: reader, ops: make(chan *op, maxBatch),
		quit: make(chan struct{}), done: make(chan struct{})}
	go db.commitLoop()
	return db, nil
}

// Reader returns the pool for reads. Reads see every write that returned.
func (db *DB) Reader() *sql.DB { return db.reader }

// Write runs fn in a transaction and returns once its changes are durable.
// fn shares the transaction with other writes but runs in its own
// savepoint: if it returns an error (or panics) its changes alone are
// rolled back and Write returns that error. fn must not keep tx, and must
// return the error of any statement that fails.
//
// ctx bounds only the wait for a turn. If it ends while the write is
// still queued, Write returns ctx.Err() and fn never runs. Once fn has
// started, it runs to completion on a context no caller can cancel, and
// Write returns its true outcome after the commit: nil means durable, an
// error means nothing of fn was stored.
func (db *DB) Write(ctx context.Context, fn func(tx *Tx) error) error {
	select {
	case <-db.quit:
		return ErrClosed
	default:
	}
	o := &op{ctx: ctx, fn: fn, errc: make(chan error, 1)}
	select {
	case db.ops <- o:
	case <-db.quit:
		return ErrClosed
	case <-ctx.Done():
		return ctx.Err()
	}
	select {
	case err := <-o.errc:
		return err
	case <-ctx.Done():
		if o.abandon() {
			return ctx.Err()
		}
	case <-db.done: // queued just as Close began, maybe after the last drain
		if o.abandon() {
			return ErrClosed
		}
	}
	return <-o.errc // it started, so the commit loop tells its outcome
}

// Prepare prepares queries on the writer and the readers once; a Tx then
// runs them from the cache, since on small rows parsing SQL costs more
// than running it. Call it outside Write (an adapter's constructor is the
// place): the writer's one connection is busy inside a write. Queries not
// prepared still run, parsed each time.
func (db *DB) Prepare(queries ...string) error {
	for _, q := range queries {
		for _, p := range []struct {
			key  string
			pool *sql.DB
		}{{"w:" + q, db.writer}, {"r:" + q, db.reader}} {
			if _, ok := db.stmts.Load(p.key); ok {
				continue
			}
			s, err := p.pool.Prepare(q)
			if err != nil {
				return fmt.Errorf("localdb: prepare %q: %w", q, err)
			}
			if _, loaded := db.stmts.LoadOrStore(p.key, s); loaded {
				s.Close()
			}
		}
	}
	return nil
}

// Read runs fn in a read-only snapshot on the reader pool: every query
// of fn sees the database as of one moment, and none waits for writes.
func (db *DB) Read(ctx context.Context, fn func(tx *Tx) error) error {
	tx, err := db.reader.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("localdb: begin read: %w", err)
	}
	defer tx.Rollback()
	return fn(&Tx{tx: tx, ctx: ctx, prefix: "r:", db: db})
}

// Close finishes the writes already queued and closes the database.
func (db *DB) Close() error {
	db.once.Do(func() { close(db.quit) })
	<-db.done
	db.stmts.Range(func(_, s any) bool {
		s.(*sql.Stmt).Close()
		return true
	})
	return errors.Join(db.writer.Close(), db.reader.Close())
}
