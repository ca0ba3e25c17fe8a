package localdb

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync/atomic"
)

// The group commit. One goroutine, the commit loop, runs every write: it
// takes the writes waiting, runs each in a savepoint of one transaction,
// commits, and only then tells each write its outcome. What keeps every
// outcome exact, whatever the other writes and their callers do:
//
//   - A write's statements run on context.WithoutCancel of its caller's
//     context. A caller that goes away therefore cannot interrupt a
//     statement, which in SQLite rolls back the whole transaction and with
//     it every other write of the group.
//   - A write is claimed when its turn comes. Until then its caller may
//     abandon it: Write returns ctx.Err() and the write never runs. Once
//     claimed, its caller waits for the outcome, which is never long.
//   - Outcomes are told after the commit, so an error always means that
//     nothing of the write was stored, and nil that all of it is durable.
//   - If the transaction ends under the group (a write ran ROLLBACK, or
//     SQLite rolled back on a full disk or an I/O error), the writes that
//     ran before are told they were not stored, and the writes not yet run
//     get a fresh transaction rather than run outside of any.

// The states of an op: queued until the commit loop claims it or its
// caller abandons it, whichever comes first.
const (
	queued int32 = iota
	claimed
	abandoned
)

// op is one write, queued or running.
type op struct {
	ctx   context.Context
	fn    func(*Tx) error
	state atomic.Int32
	errc  chan error // buffered, so the commit loop never waits for a caller
}

// claim takes o for running; false if its caller abandoned it first.
func (o *op) claim() bool { return o.state.CompareAndSwap(queued, claimed) }

// abandon withdraws o before it runs; false if it has been claimed.
func (o *op) abandon() bool { return o.state.CompareAndSwap(queued, abandoned) }

func (db *DB) commitLoop() {
	defer close(db.done)
	for {
		select {
		case o := <-db.ops:
			db.run(db.gather(o))
		case <-db.quit:
			for {
				select {
				case o := <-db.ops:
					db.run(db.gather(o))
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

// run commits batch, and then what a lost transaction left of it.
func (db *DB) run(batch []*op) {
	for len(batch) > 0 {
		batch = db.commit(batch)
	}
}

// commit runs the writes of batch in one transaction and tells each its
// outcome. If the transaction is lost under a write, it returns the writes
// after that one, not yet run, for a transaction of their own.
func (db *DB) commit(batch []*op) (rest []*op) {
	tx, err := db.writer.BeginTx(context.Background(), nil)
	if err != nil {
		for _, o := range batch {
			if o.claim() {
				o.errc <- fmt.Errorf("localdb: begin: %w", err)
			}
		}
		return nil
	}
	ran := make([]*op, 0, len(batch))
	errs := make([]error, 0, len(batch))
	for i, o := range batch {
		if !o.claim() {
			continue
		}
		err := o.ctx.Err() // its caller gave up before its turn: do not start it
		lost := false
		if err == nil {
			t := &Tx{tx: tx, ctx: context.WithoutCancel(o.ctx), prefix: "w:", db: db}
			lost, err = savepoint(tx, t, o.fn)
		}
		ran, errs = append(ran, o), append(errs, err)
		if lost {
			tx.Rollback() // already ended; this returns the connection
			for j := range errs[:len(errs)-1] {
				if errs[j] == nil {
					errs[j] = fmt.Errorf("localdb: not stored: the transaction this write shared "+
						"was rolled back under a later write of its group (%w); retry", err)
				}
			}
			tell(ran, errs)
			return batch[i+1:]
		}
	}
	if err := tx.Commit(); err != nil {
		db.endTransaction()
		for j := range errs {
			if errs[j] == nil {
				errs[j] = fmt.Errorf("localdb: commit: %w", err)
			}
		}
	}
	tell(ran, errs)
	return nil
}

// endTransaction makes sure no transaction is left open on the writer
// after a failed COMMIT, which SQLite may leave open (on SQLITE_BUSY), so
// that the next group starts clean and the failed one is not stored later.
func (db *DB) endTransaction() {
	db.writer.ExecContext(context.Background(), "ROLLBACK") // "no transaction is active" is the usual answer
}

// tell answers each write of ran with its outcome.
func tell(ran []*op, errs []error) {
	for i, o := range ran {
		o.errc <- errs[i]
	}
}

// savepoint runs fn in a savepoint of tx, rolled back if fn fails or
// panics. lost reports that the transaction itself has ended under it, so
// that nothing written in tx so far will be stored.
func savepoint(tx *sql.Tx, t *Tx, fn func(*Tx) error) (lost bool, err error) {
	if _, err := tx.Exec("SAVEPOINT w"); err != nil {
		return true, fmt.Errorf("localdb: savepoint: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("localdb: write panicked: %v", p)
		}
		if err != nil {
			if _, rerr := tx.Exec("ROLLBACK TO w"); rerr != nil {
				lost, err = true, errors.Join(err, fmt.Errorf("localdb: rollback: %w", rerr))
			}
		}
		if _, rerr := tx.Exec("RELEASE w"); rerr != nil {
			lost, err = true, errors.Join(err, fmt.Errorf("localdb: release: %w", rerr))
		}
	}()
	return false, fn(t)
}
