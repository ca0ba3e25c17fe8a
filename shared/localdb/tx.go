package localdb

import (
	"context"
	"database/sql"
)

// Tx is a transaction of Write or Read. Its methods run queries given to
// Prepare from the statement cache, and any other query as plain SQL.
type Tx struct {
	tx     *sql.Tx
	ctx    context.Context
	prefix string // "w:" or "r:": which pool's statements apply
	db     *DB
}

// Exec runs a statement.
func (t *Tx) Exec(query string, args ...any) (sql.Result, error) {
	if s := t.stmt(query); s != nil {
		return s.ExecContext(t.ctx, args...)
	}
	return t.tx.ExecContext(t.ctx, query, args...)
}

// Query runs a query returning rows.
func (t *Tx) Query(query string, args ...any) (*sql.Rows, error) {
	if s := t.stmt(query); s != nil {
		return s.QueryContext(t.ctx, args...)
	}
	return t.tx.QueryContext(t.ctx, query, args...)
}

// QueryRow runs a query returning at most one row.
func (t *Tx) QueryRow(query string, args ...any) *sql.Row {
	if s := t.stmt(query); s != nil {
		return s.QueryRowContext(t.ctx, args...)
	}
	return t.tx.QueryRowContext(t.ctx, query, args...)
}

func (t *Tx) stmt(query string) *sql.Stmt {
	s, ok := t.db.stmts.Load(t.prefix + query)
	if !ok {
		return nil
	}
	return t.tx.StmtContext(t.ctx, s.(*sql.Stmt))
}
