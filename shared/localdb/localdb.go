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

type op struct {
	ctx  context.Context
	fn   func(*Tx) error
	errc chan error
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
// rolled back and Write returns that error. fn must not keep tx.
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
	// A write queued just as Close began may find the commit loop gone.
	select {
	case err := <-o.errc:
		return err
	case <-db.done:
		select {
		case err := <-o.errc:
			return err
		default:
			return ErrClosed
		}
	}
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

func (db *DB) commitLoop() {
	defer close(db.done)
	for {
		select {
		case o := <-db.ops:
			db.commit(db.gather(o))
		case <-db.quit:
			for {
				select {
				case o := <-db.ops:
					db.commit(db.gather(o))
				default:
					return
				}
			}
		}
	}
}

// gather takes first and every write already waiting, up to maxBatch.
func (db *DB) gather(first *op) []*op {
	batch := []*op{first}
	for len(batch) < maxBatch {
		select {
		case o := <-db.ops:
			batch = append(batch, o)
		default:
			return batch
		}
	}
	return batch
}

func (db *DB) commit(batch []*op) {
	errs := make([]error, len(batch))
	tx, err := db.writer.BeginTx(context.Background(), nil)
	if err != nil {
		for _, o := range batch {
			o.errc <- fmt.Errorf("localdb: begin: %w", err)
		}
		return
	}
	for i, o := range batch {
		if err := o.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		errs[i] = runSavepoint(tx, &Tx{tx: tx, ctx: o.ctx, prefix: "w:", db: db}, o.fn)
	}
	if err := tx.Commit(); err != nil {
		for i := range errs {
			if errs[i] == nil {
				errs[i] = fmt.Errorf("localdb: commit: %w", err)
			}
		}
	}
	for i, o := range batch {
		o.errc <- errs[i]
	}
}

func runSavepoint(tx *sql.Tx, t *Tx, fn func(*Tx) error) (err error) {
	if _, err := tx.Exec("SAVEPOINT w"); err != nil {
		return fmt.Errorf("localdb: savepoint: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("localdb: write panicked: %v", p)
		}
		if err != nil {
			if _, rerr := tx.Exec("ROLLBACK TO w"); rerr != nil {
				err = errors.Join(err, fmt.Errorf("localdb: rollback: %w", rerr))
			}
		}
		if _, rerr := tx.Exec("RELEASE w"); rerr != nil {
			err = errors.Join(err, fmt.Errorf("localdb: release: %w", rerr))
		}
	}()
	return fn(t)
}
