package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"titledesk/data"
)

func financeTx(ctx context.Context, tx *txn) (data.FinanceSettings, error) {
	var f data.FinanceSettings
	err := queryRow(ctx, tx, `SELECT flow, payee, item, require_reconciled, unreceived_days, paper_days FROM finance_settings`).
		Scan(&f.Flow, &f.Payee, &f.Item, &f.RequireReconciled, &f.UnreceivedDays, &f.PaperDays)
	return f, err
}

// Finance is the bureau's settings about money, as last synced on a desk.
func (s *Store) Finance(ctx context.Context) (f data.FinanceSettings, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		f, err = financeTx(ctx, tx)
		return err
	})
	return f, err
}

// SaveFinance sets the bureau's settings about money (an admin command).
func (s *Store) SaveFinance(ctx context.Context, f data.FinanceSettings) error {
	if err := f.Check(); err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *txn) error {
		if err := saveFinanceTx(ctx, tx, f); err != nil {
			return err
		}
		if err := s.auditAdmin(ctx, tx, "finance-set", "flow", string(f.Flow), "payee", f.Payee, "item", f.Item,
			"require_reconciled", fmt.Sprint(f.RequireReconciled), "unreceived_days", fmt.Sprint(f.UnreceivedDays), "paper_days", fmt.Sprint(f.PaperDays)); err != nil {
			return err
		}
		return s.logChange(ctx, tx, data.ChangeFinance, "all", scopeAll)
	})
}

func saveFinanceTx(ctx context.Context, tx *txn, f data.FinanceSettings) error {
	_, err := exec(ctx, tx, `UPDATE finance_settings SET flow = ?, payee = ?, item = ?, require_reconciled = ?, unreceived_days = ?, paper_days = ?`,
		string(f.Flow), f.Payee, f.Item, f.RequireReconciled, f.UnreceivedDays, f.PaperDays)
	return err
}

// envTx completes env with what the state machine reads from the store: the
// calendar, the finance settings and, on the server, the bureau's wording
// of its messages.
func (s *Store) envTx(ctx context.Context, tx *txn, now time.Time) (data.Env, error) {
	cal, err := s.calendarTx(ctx, tx)
	if err != nil {
		return data.Env{}, err
	}
	f, err := financeTx(ctx, tx)
	if err != nil {
		return data.Env{}, err
	}
	env := data.Env{Now: now, Calendar: cal, Finance: &f}
	if s.server { // its tx is the batch's: a desk's Env outlives its read
		env.Point = pointsIn(ctx, tx)
		wordings, err := smsTemplatesTx(ctx, tx)
		if err != nil {
			return data.Env{}, err
		}
		env.Template = lookup(wordings)
	}
	return env, nil
}

// lookup is a map as a data.Env's Template.
func lookup(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

// Env is what the state machine reads from the store, at now.
func (s *Store) Env(ctx context.Context, now time.Time) (env data.Env, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		env, err = s.envTx(ctx, tx, now)
		return err
	})
	env.Point = nil // it reads through the transaction just ended
	return env, err
}

// IssuedNotice is one notice of the finance system's export: the
// application it is for (by 申请编号, or by 身份证号 among those waiting for
// one) and the notice.
type IssuedNotice struct {
	Line            int
	AppNo, IDNumber string
	Notice          data.PaymentNotice
}

// StatementLine is one entry of a statement file.
type StatementLine struct {
	Line  int
	Entry data.StatementEntry
}

// ImportReport is what an import of the finance system's file did.
type ImportReport struct {
	ID      int64
	Kind    string // notices, statement
	File    string
	Rows    int // rows read from the file (the reader's refusals included)
	Applied int // notices issued, or statement entries compared with an application
	Known   int // statement entries imported before, left as they were
	// Unmatched are statement entries whose code is no notice's (无登记).
	Unmatched []ImportIssue
	Refused   []ImportIssue
	// Outcomes counts the reconciliations this import changed, by outcome.
	Outcomes map[data.ReconcileOutcome]int
}

// ImportIssue is a row an import did not take, and why.
type ImportIssue struct {
	Line    int
	Key     string // the row's notice number or payment code
	Message string
}

// awaitingNotice are the statuses in which a notice is issued.
var awaitingNotice = data.ActionStatuses(data.ActionNoticeIssue)

// refusal reports err as the row's refusal, or returns it when it is the
// store's own failure, which ends the import with nothing of it kept.
func (r *ImportReport) refusal(line int, key string, err error) error {
	if c := data.ErrorCode(err); c == data.EINTERNAL || c == "" {
		return err
	}
	r.Refused = append(r.Refused, ImportIssue{line, key, data.ErrorMessage(err)})
	return nil
}

// ImportNotices issues the notices of the finance system's export, each to
// its application through the state machine (notice_issue), in one
// transaction: a row that does not fit is refused and reported, the others
// are issued; an error of the store leaves nothing imported. refused are
// the rows the file reader could not read, reported with the others.
func (s *Store) ImportNotices(ctx context.Context, file, sum string, rows []IssuedNotice, refused []ImportIssue, by data.Actor, now time.Time) (*ImportReport, error) {
	r := &ImportReport{Kind: "notices", File: file, Rows: len(rows) + len(refused), Refused: refused}
	return s.importing(ctx, r, sum, by, now, func(tx *txn, env data.Env) error {
		issued := map[string]int{} // notice number or application → the line that issued it
		for _, row := range rows {
			a, err := noticeTarget(ctx, tx, row)
			if err != nil {
				if err := r.refusal(row.Line, row.Notice.No, err); err != nil {
					return err
				}
				continue
			}
			if first, dup := issued[row.Notice.No]; dup {
				r.Refused = append(r.Refused, ImportIssue{row.Line, row.Notice.No, fmt.Sprintf("缴款通知书编号与第 %d 行重复", first)})
				continue
			}
			if first, dup := issued["app:"+a.ID]; dup {
				r.Refused = append(r.Refused, ImportIssue{row.Line, row.Notice.No, fmt.Sprintf("申请 %s 已在第 %d 行开具缴款通知书", a.No, first)})
				continue
			}
			n := row.Notice
			n.IssuedBy = "非税系统导入"
			cmd := data.Command{ID: "finance:notice:" + n.No, Action: data.ActionNoticeIssue, ApplicationID: a.ID,
				Actor: data.Actor{ID: by.ID, Name: by.Name, Role: data.RoleFinance}, Notice: &n}
			if err := s.applyInSavepoint(ctx, tx, cmd, env); err != nil {
				if err := r.refusal(row.Line, n.No, err); err != nil {
					return err
				}
				continue
			}
			issued[row.Notice.No], issued["app:"+a.ID] = row.Line, row.Line
			r.Applied++
		}
		return nil
	})
}

// noticeTarget finds the application a notice row is for.
func noticeTarget(ctx context.Context, tx *txn, row IssuedNotice) (*data.Application, error) {
	if row.IDNumber != "" {
		if err := data.ValidateIDNumber(row.IDNumber); err != nil {
			return nil, err
		}
	}
	if row.AppNo != "" {
		a, err := findRecord(ctx, tx, `no = ?`, row.AppNo)
		if data.ErrorCode(err) == data.ENOTFOUND {
			return nil, data.Errorf(data.ENOTFOUND, "找不到申请编号 %s", row.AppNo)
		}
		if err == nil && row.IDNumber != "" && row.IDNumber != a.IDNumber {
			return nil, data.Errorf(data.EINVALID, "身份证号与申请 %s 的申报人不符", a.No)
		}
		return a, err
	}
	if row.IDNumber == "" {
		return nil, data.Errorf(data.EINVALID, "缺少申请编号和身份证号，无法对应到申请")
	}
	ids, err := queryStrings(ctx, tx, `SELECT id FROM applications WHERE id_number = ? AND status IN (`+placeholders(len(awaitingNotice))+`) AND notice_no IS NULL`,
		append([]any{row.IDNumber}, statusArgs(awaitingNotice)...)...)
	switch {
	case err != nil:
		return nil, err
	case len(ids) == 0:
		return nil, data.Errorf(data.ENOTFOUND, "身份证号 %s 没有等待开具缴款通知书的申请", data.MaskIDNumber(row.IDNumber))
	case len(ids) > 1:
		return nil, data.Errorf(data.EINVALID, "身份证号 %s 有 %d 件等待开具的申请，请在导出文件中填写申请编号", data.MaskIDNumber(row.IDNumber), len(ids))
	}
	return findRecord(ctx, tx, `id = ?`, ids[0])
}

// applyInSavepoint applies a finance fact so that a refusal leaves nothing
// of it behind, whatever step refused it (the audit chain refuses a command
// ID it holds only after the row was written).
func (s *Store) applyInSavepoint(ctx context.Context, tx *txn, cmd data.Command, env data.Env) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT row`); err != nil {
		return err
	}
	_, err := s.applyTx(ctx, tx, cmd, env, true)
	if err != nil {
		if _, rerr := tx.ExecContext(ctx, `ROLLBACK TO row`); rerr != nil {
			return rerr
		}
	}
	if _, rerr := tx.ExecContext(ctx, `RELEASE row`); rerr != nil {
		return rerr
	}
	return err
}

// importing runs an import in one transaction: recorded first, so that what
// it keeps can name it; apply takes its rows; then what it did is kept and
// audited.
func (s *Store) importing(ctx context.Context, r *ImportReport, sum string, by data.Actor, now time.Time, apply func(*txn, data.Env) error) (*ImportReport, error) {
	err := s.inWrite(ctx, func(tx *txn) error {
		env, err := s.envTx(ctx, tx, now)
		if err != nil {
			return err
		}
		if err := s.beginImport(ctx, tx, r, sum, by, now); err != nil {
			return err
		}
		if err := apply(tx, env); err != nil {
			return err
		}
		return s.endImport(ctx, tx, r, sum)
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// beginImport records an import, so that what it keeps can name it.
func (s *Store) beginImport(ctx context.Context, tx *txn, r *ImportReport, sum string, by data.Actor, now time.Time) error {
	res, err := exec(ctx, tx, `INSERT INTO finance_imports (kind, file, sha256, at, by, rows, applied, report) VALUES (?, ?, ?, ?, ?, ?, 0, '')`,
		r.Kind, r.File, sum, now.UnixNano(), by.Name, r.Rows)
	if err != nil {
		return err
	}
	r.ID, err = res.LastInsertId()
	return err
}

// endImport keeps what an import did, the rows reported in file order, and
// audits it.
func (s *Store) endImport(ctx context.Context, tx *txn, r *ImportReport, sum string) error {
	byLine := func(a, b ImportIssue) int { return a.Line - b.Line }
	slices.SortStableFunc(r.Refused, byLine)
	slices.SortStableFunc(r.Unmatched, byLine)
	report, err := json.Marshal(struct {
		Refused, Unmatched []ImportIssue
	}{r.Refused, r.Unmatched})
	if err != nil {
		return err
	}
	if _, err := exec(ctx, tx, `UPDATE finance_imports SET applied = ?, report = ? WHERE id = ?`, r.Applied, string(report), r.ID); err != nil {
		return err
	}
	return s.auditAdmin(ctx, tx, "import-"+r.Kind, "file", r.File, "sha256", sum, "rows", fmt.Sprint(r.Rows), "applied", fmt.Sprint(r.Applied))
}

// ImportStatement compares the finance platform's statement with the
// payments: each entry whose code is a notice's reconciles that
// application (reconcile) and is kept; entries kept before are left;
// entries of no notice are kept and reported as 无登记; an entry the state
// machine refuses is reported and not kept, so a later import tries it
// again. Then every payment recorded the set days ago that no statement
// holds becomes 未到账. One transaction.
func (s *Store) ImportStatement(ctx context.Context, file, sum string, lines []StatementLine, refused []ImportIssue, by data.Actor, now time.Time) (*ImportReport, error) {
	r := &ImportReport{Kind: "statement", File: file, Rows: len(lines) + len(refused), Refused: refused, Outcomes: map[data.ReconcileOutcome]int{}}
	actor := data.Actor{ID: by.ID, Name: by.Name, Role: data.RoleFinance}
	return s.importing(ctx, r, sum, by, now, func(tx *txn, env data.Env) error {
		// Each entry is reconciled once (statement_entries' key), under a
		// command ID of its own, so the audit chain never refuses one after
		// its row was written; the state machine refuses before any write.
		reconcile := func(appID string, e *data.StatementEntry, line int, key string) (bool, error) {
			id := fmt.Sprintf("finance:unreceived:%d:%s", r.ID, appID)
			if e != nil {
				id = "finance:reconcile:" + e.PayCode + ":" + e.Ref
			}
			out, err := s.applyTx(ctx, tx, data.Command{ID: id, Action: data.ActionReconcile, ApplicationID: appID, Actor: actor, Statement: e}, env, true)
			if err != nil {
				return false, r.refusal(line, key, err)
			}
			r.Outcomes[out.Application.Reconciliation.Outcome]++
			return true, nil
		}
		for _, l := range lines {
			e := l.Entry
			var known int
			if err := queryRow(ctx, tx, `SELECT count(*) FROM statement_entries WHERE pay_code = ? AND ref = ?`, e.PayCode, e.Ref).Scan(&known); err != nil {
				return err
			}
			if known > 0 {
				r.Known++
				continue
			}
			ids, err := queryStrings(ctx, tx, `SELECT id FROM applications WHERE notice_pay_code = ? AND notice_pay_code <> ''`, e.PayCode)
			if err != nil {
				return err
			}
			var appID any
			switch {
			case len(ids) == 0:
				r.Unmatched = append(r.Unmatched, ImportIssue{l.Line, e.PayCode, fmt.Sprintf("缴款码 %s 不是本系统开具的缴款通知书（%s 元，流水号 %s）", e.PayCode, e.Amount, e.Ref)})
			default:
				ok, err := reconcile(ids[0], &e, l.Line, e.PayCode)
				if err != nil {
					return err
				}
				if !ok {
					continue
				}
				appID = ids[0]
				r.Applied++
			}
			if _, err := exec(ctx, tx, `INSERT INTO statement_entries (pay_code, ref, channel, amount, paid_at, application_id, import_id)
				VALUES (?, ?, ?, ?, ?, ?, ?)`, e.PayCode, e.Ref, e.Channel, int64(e.Amount), e.PaidAt.UnixNano(), appID, r.ID); err != nil {
				return err
			}
		}
		// Payments no statement holds after the set days: the state
		// machine decides (data.Unreceived); this finds the candidates.
		ids, err := queryStrings(ctx, tx, `SELECT id FROM applications WHERE payment_recorded_at IS NOT NULL AND payment_recorded_at < ?
			AND recon_ref = '' AND recon_outcome <> 'not_received'`, data.Midnight(now).AddDate(0, 0, 1-env.Finance.UnreceivedDays).UnixNano())
		if err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := reconcile(id, nil, 0, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// ReconcileException is an application whose payment did not reconcile.
type ReconcileException struct {
	ApplicationID, ApplicationNo, Name, LiaisonPointID string
	Status                                             data.Status
	Outcome                                            data.ReconcileOutcome
	NoticeNo, PayCode                                  string
	Notice, Recorded, Received                         data.Fen
	Channel, Reference, StatementRef                   string
	RecordedAt, ReceivedAt                             time.Time
}

// ReconcileExceptions lists the applications whose payment is 金额不符,
// 未到账 or 已到账未登记, oldest first.
func (s *Store) ReconcileExceptions(ctx context.Context) ([]ReconcileException, error) {
	var out []ReconcileException
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT id, no, name, liaison_point_id, status, recon_outcome, coalesce(notice_no, ''), notice_pay_code, notice_amount,
			payment_amount, payment_channel, coalesce(payment_receipt_no, ''), recon_ref, recon_amount, payment_recorded_at, recon_paid_at
			FROM applications WHERE recon_outcome NOT IN ('', 'matched') ORDER BY coalesce(payment_recorded_at, recon_paid_at), no`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var x ReconcileException
			if err := rows.Scan(&x.ApplicationID, &x.ApplicationNo, &x.Name, &x.LiaisonPointID, &x.Status, &x.Outcome, &x.NoticeNo, &x.PayCode, &x.Notice,
				&x.Recorded, &x.Channel, &x.Reference, &x.StatementRef, &x.Received, nullTime{&x.RecordedAt}, nullTime{&x.ReceivedAt}); err != nil {
				return err
			}
			out = append(out, x)
		}
		return rows.Err()
	})
	return out, err
}

// UnmatchedEntries are the statement entries of no notice (server).
func (s *Store) UnmatchedEntries(ctx context.Context) ([]data.StatementEntry, error) {
	var out []data.StatementEntry
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT pay_code, ref, channel, amount, paid_at FROM statement_entries WHERE application_id IS NULL ORDER BY paid_at`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e data.StatementEntry
			if err := rows.Scan(&e.PayCode, &e.Ref, &e.Channel, &e.Amount, nullTime{&e.PaidAt}); err != nil {
				return err
			}
			out = append(out, e)
		}
		return rows.Err()
	})
	return out, err
}

// ApplicationsAwaitingNotice lists the applications a notice should be
// issued for and is not yet (the platform adapter's queue), oldest first.
func (s *Store) ApplicationsAwaitingNotice(ctx context.Context) ([]*data.Application, error) {
	var out []*data.Application
	err := s.inRead(ctx, func(tx *txn) error {
		ids, err := queryStrings(ctx, tx, `SELECT id FROM applications WHERE status IN (`+placeholders(len(awaitingNotice))+`) AND notice_no IS NULL
			ORDER BY reviewed_at`, statusArgs(awaitingNotice)...)
		if err != nil {
			return err
		}
		for _, id := range ids {
			a, err := findRecord(ctx, tx, `id = ?`, id)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return nil
	})
	return out, err
}

// SettlementEntry is a payment or a refund in a clerk's settlement.
type SettlementEntry struct {
	Key                                    string // application id, "/payment/" or "/refund/", and when it was recorded
	ApplicationNo, Name, NoticeNo, Channel string
	Reference                              string
	Amount                                 data.Fen // negative for a refund
	Refund                                 bool
	At                                     time.Time // recorded, or the refund approved
}

// dayText is a Shanghai date as the settlement tables key it.
func dayText(t time.Time) string { return t.In(data.Shanghai).Format("20060102") }

// OpenSettlement is what the clerk's settlement of day holds while the day
// is open: the payments the clerk recorded and the refunds of them, of that
// day and of closed days before it that arrived after they were closed
// (each entry falls into the first open day from its own).
func (s *Store) OpenSettlement(ctx context.Context, clerkID string, day time.Time) ([]SettlementEntry, error) {
	var out []SettlementEntry
	end := data.Midnight(day).AddDate(0, 0, 1).UnixNano()
	err := s.inRead(ctx, func(tx *txn) error {
		closed, err := queryStrings(ctx, tx, `SELECT day FROM settlements WHERE clerk_id = ?`, clerkID)
		if err != nil {
			return err
		}
		isClosed := map[string]bool{}
		for _, d := range closed {
			isClosed[d] = true
		}
		rows, err := query(ctx, tx, `SELECT id || '/payment/' || payment_recorded_at, no, name, coalesce(notice_no, ''), payment_channel, payment_receipt_no, payment_amount, 0, payment_recorded_at
			FROM applications WHERE payment_recorded_by_id = ?1 AND payment_recorded_at IS NOT NULL AND payment_recorded_at < ?2
			AND id || '/payment/' || payment_recorded_at NOT IN (SELECT entry FROM settled)
			UNION ALL
			SELECT id || '/refund/' || refund_at, no, name, coalesce(notice_no, ''), payment_channel, coalesce(payment_receipt_no, ''), -refund_amount, 1, refund_at
			FROM applications WHERE refund_payment_by = ?1 AND refund_at IS NOT NULL AND refund_at < ?2
			AND id || '/refund/' || refund_at NOT IN (SELECT entry FROM settled)
			ORDER BY 9`, clerkID, end)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var e SettlementEntry
			if err := rows.Scan(&e.Key, &e.ApplicationNo, &e.Name, &e.NoticeNo, &e.Channel, &e.Reference, &e.Amount, &e.Refund, nullTime{&e.At}); err != nil {
				return err
			}
			// The first open day from the entry's own.
			d := data.Midnight(e.At)
			for isClosed[dayText(d)] {
				d = d.AddDate(0, 0, 1)
			}
			if dayText(d) == dayText(day) {
				out = append(out, e)
			}
		}
		return rows.Err()
	})
	return out, err
}

// ClosedSettlement is the report kept when the clerk's day was closed; ok
// is false while the day is open.
func (s *Store) ClosedSettlement(ctx context.Context, clerkID string, day time.Time) (report []byte, ok bool, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		var r string
		err := queryRow(ctx, tx, `SELECT report FROM settlements WHERE clerk_id = ? AND day = ?`, clerkID, dayText(day)).Scan(&r)
		if errors.Is(err, sql.ErrNoRows) {
			return nil
		}
		report, ok = []byte(r), err == nil
		return err
	})
	return report, ok, err
}

// CloseSettlement closes the clerk's day with the report printed from
// entries: from now on they belong to it, and later ones to the next open
// day. Closing a closed day is a conflict.
func (s *Store) CloseSettlement(ctx context.Context, clerkID string, day time.Time, entries []SettlementEntry, report []byte, at time.Time) error {
	return s.inWrite(ctx, func(tx *txn) error {
		_, err := exec(ctx, tx, `INSERT INTO settlements (clerk_id, day, closed_at, report) VALUES (?, ?, ?, ?)`, clerkID, dayText(day), at.UnixNano(), string(report))
		if err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return data.Errorf(data.ECONFLICT, "%s 的日结已关账，只能重印", data.Midnight(day).Format(time.DateOnly))
			}
			return err
		}
		for _, e := range entries {
			if _, err := exec(ctx, tx, `INSERT INTO settled (entry, clerk_id, day) VALUES (?, ?, ?)`, e.Key, clerkID, dayText(day)); err != nil {
				return err
			}
		}
		return nil
	})
}

// MonthRow is one liaison point's payments or refunds of one channel in a
// month.
type MonthRow struct {
	LiaisonPointID, Channel string
	Payments, Refunds       int
	Paid, Refunded          data.Fen
}

// MonthSummary adds up the payments recorded and the refunds approved in
// [from, to) per liaison point and channel.
func (s *Store) MonthSummary(ctx context.Context, from, to time.Time) ([]MonthRow, error) {
	var out []MonthRow
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT liaison_point_id, channel, sum(n), sum(paid), sum(r), sum(refunded) FROM (
			SELECT liaison_point_id, payment_channel AS channel, count(*) AS n, sum(payment_amount) AS paid, 0 AS r, 0 AS refunded
			FROM applications WHERE payment_recorded_at >= ?1 AND payment_recorded_at < ?2 GROUP BY 1, 2
			UNION ALL
			SELECT liaison_point_id, payment_channel, 0, 0, count(*), sum(refund_amount)
			FROM applications WHERE refund_at >= ?1 AND refund_at < ?2 GROUP BY 1, 2)
			GROUP BY 1, 2 ORDER BY 1, 2`, from.UnixNano(), to.UnixNano())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var m MonthRow
			if err := rows.Scan(&m.LiaisonPointID, &m.Channel, &m.Payments, &m.Paid, &m.Refunds, &m.Refunded); err != nil {
				return err
			}
			out = append(out, m)
		}
		return rows.Err()
	})
	return out, err
}

// IssueNotice issues the notice the finance platform answered for an
// application (notice_issue), as the platform.
func (s *Store) IssueNotice(ctx context.Context, applicationID string, n data.PaymentNotice, platform string, now time.Time) error {
	return s.inWrite(ctx, func(tx *txn) error {
		env, err := s.envTx(ctx, tx, now)
		if err != nil {
			return err
		}
		n.IssuedBy = platform
		_, err = s.applyTx(ctx, tx, data.Command{ID: "finance:notice:" + n.No, Action: data.ActionNoticeIssue, ApplicationID: applicationID,
			Actor: data.Actor{ID: "finance-platform", Name: platform, Role: data.RoleFinance}, Notice: &n}, env, true)
		return err
	})
}
