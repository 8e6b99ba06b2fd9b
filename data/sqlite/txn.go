package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// txn is one transaction on one connection, begun by inTx; unexported
// helpers take it where they would take a *txn.
//
// Its statements do not watch the caller's context. database/sql starts a
// goroutine per query to watch a transaction's context (and go-sqlite3 one
// per statement for a cancellable one), which cost a push of 500 commands
// 15–20 % of its time in scheduling and GC. Once begun, a transaction runs
// to its commit or rollback; a push cut off by its client is whole or not
// at all either way, and the desk asks again.
type txn struct {
	conn *sql.Conn
	ctx  context.Context // the caller's values, without its cancellation
	// stmts are prepared once per transaction: a push of 500 commands runs
	// the same dozen statements 500 times, and preparing them once made the
	// server apply about three times as many commands per second.
	stmts map[string]*sql.Stmt
	tail  *auditTail // the audit chain's tail, nil until read or written in this transaction
}

type auditTail struct {
	seq  int64
	hash string
}

// The methods take a context to read like database/sql's; they run under
// the transaction's own (see txn).

func (t *txn) ExecContext(_ context.Context, q string, args ...any) (sql.Result, error) {
	return t.conn.ExecContext(t.ctx, q, args...)
}

func (t *txn) QueryContext(_ context.Context, q string, args ...any) (*sql.Rows, error) {
	return t.conn.QueryContext(t.ctx, q, args...)
}

func (t *txn) QueryRowContext(_ context.Context, q string, args ...any) *sql.Row {
	return t.conn.QueryRowContext(t.ctx, q, args...)
}

func (t *txn) PrepareContext(_ context.Context, q string) (*sql.Stmt, error) {
	return t.conn.PrepareContext(t.ctx, q)
}

// inTx runs fn in a transaction on conn, begun with begin ("BEGIN" or
// "BEGIN IMMEDIATE"), and commits if commit is set and fn succeeds; it
// rolls back otherwise.
func inTx(ctx context.Context, conn *sql.Conn, begin string, commit bool, fn func(tx *txn) error) error {
	t := &txn{conn: conn, ctx: context.WithoutCancel(ctx), stmts: map[string]*sql.Stmt{}}
	if _, err := conn.ExecContext(t.ctx, begin); err != nil {
		return internal(err)
	}
	err := fn(t)
	for _, st := range t.stmts {
		st.Close()
	}
	if err == nil && commit {
		if _, err = conn.ExecContext(t.ctx, "COMMIT"); err == nil {
			return nil
		}
	}
	if _, rerr := conn.ExecContext(t.ctx, "ROLLBACK"); rerr != nil {
		// SQLite ends a transaction itself after some errors; a connection
		// still inside one must not go back to the pool.
		_ = conn.Raw(func(c any) error {
			if c, ok := c.(interface{ AutoCommit() bool }); ok && c.AutoCommit() {
				return nil
			}
			return driver.ErrBadConn
		})
	}
	return internal(err)
}

// inConn runs fn in a transaction on a connection of db (see inTx).
func inConn(ctx context.Context, db *sql.DB, begin string, commit bool, fn func(tx *txn) error) error {
	conn, err := db.Conn(ctx)
	if err != nil {
		return internal(err)
	}
	defer conn.Close()
	return inTx(ctx, conn, begin, commit, fn)
}
