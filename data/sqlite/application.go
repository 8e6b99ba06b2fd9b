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

// applicationColumns lists the applications table once for INSERT and
// SELECT; appValues and scanApplication follow the same order.
const applicationColumns = `id, no, version, status, series, qualification, level, method, liaison_point_id,
	applicant_id, name, id_number, mobile, education, major, unit_id, unit_name, unit_credit_code,
	unit_opinion, publicity_start, publicity_end, assignee_id, assignee_name, supplement_deadline,
	notice_no, notice_pay_code, notice_amount, notice_issued_at, notice_issued_by,
	payment_receipt_no, payment_amount, payment_channel, payment_proof, payment_paid_at, payment_recorded_at, payment_recorded_by,
	certificate_no, certificate_at, created_at, updated_at, submitted_at, reviewed_at, form_seal, working_years,
	notice_payee, notice_due, notice_pay_url, payment_recorded_by_id, payment_corrected_by, payment_corrected_at,
	recon_outcome, recon_pay_code, recon_ref, recon_channel, recon_amount, recon_paid_at, recon_at,
	refund_amount, refund_reason, refund_by, refund_at, refund_payment_by, certificate_revoked_at, certificate_revoked_why`

var upsertApplication = func() string {
	cols := strings.Split(applicationColumns, ",")
	var set []string
	for _, c := range cols[1:] {
		c = strings.TrimSpace(c)
		set = append(set, c+" = excluded."+c)
	}
	return `INSERT INTO applications (` + applicationColumns + `) VALUES (` + placeholders(len(cols)) +
		`) ON CONFLICT (id) DO UPDATE SET ` + strings.Join(set, ", ")
}()

func appValues(a *data.Application) []any {
	var (
		noticeNo, receiptNo, certNo  any
		noticePayCode, noticeBy      string
		noticeAmount, paymentAmount  data.Fen
		noticeAt, paidAt, recordedAt any
		channel, proof, recordedBy   string
		certAt, revokedAt            any
		revokedWhy                   string
		payee, payURL, recordedByID  string
		noticeDue, correctedAt       any
		correctedBy                  string
		recon                        data.Reconciliation
		reconPaidAt, reconAt         any
		refundAmount, refundAt       any
		refund                       data.Refund
	)
	if n := a.Notice; n != nil {
		noticeNo, noticePayCode, noticeAmount, noticeAt, noticeBy = n.No, n.PayCode, n.Amount, ts(n.IssuedAt), n.IssuedBy
		payee, noticeDue, payURL = n.Payee, ts(n.Due), n.PayURL
	}
	if p := a.Payment; p != nil {
		receiptNo, paymentAmount, channel, proof = p.ReceiptNo, p.Amount, p.Channel, p.ProofSHA256
		paidAt, recordedAt, recordedBy = ts(p.PaidAt), ts(p.RecordedAt), p.RecordedBy
		recordedByID, correctedBy, correctedAt = p.RecordedByID, p.CorrectedBy, ts(p.CorrectedAt)
	}
	if r := a.Reconciliation; r != nil {
		recon, reconPaidAt, reconAt = *r, ts(r.Entry.PaidAt), ts(r.At)
	}
	if r := a.Refund; r != nil {
		refund, refundAmount, refundAt = *r, int64(r.Amount), ts(r.ApprovedAt)
	}
	if c := a.Certificate; c != nil {
		certNo, certAt, revokedAt, revokedWhy = c.No, ts(c.IssuedAt), ts(c.RevokedAt), c.RevokedWhy
	}
	return []any{
		a.ID, a.No, a.Version, string(a.Status), a.Series, a.Qualification, a.Level, string(a.Method), a.LiaisonPointID,
		a.ApplicantID, a.Name, a.IDNumber, a.Mobile, a.Education, a.Major, a.UnitID, a.UnitName, a.UnitCreditCode,
		a.UnitOpinion, ts(a.Publicity.Start), ts(a.Publicity.End), a.AssigneeID, a.AssigneeName, ts(a.SupplementDeadline),
		noticeNo, noticePayCode, int64(noticeAmount), noticeAt, noticeBy,
		receiptNo, int64(paymentAmount), channel, proof, paidAt, recordedAt, recordedBy,
		certNo, certAt, ts(a.CreatedAt), ts(a.UpdatedAt), ts(a.SubmittedAt), ts(a.ReviewedAt), a.FormSeal, a.WorkingYears,
		payee, noticeDue, payURL, recordedByID, correctedBy, correctedAt,
		string(recon.Outcome), recon.Entry.PayCode, recon.Entry.Ref, recon.Entry.Channel, int64(recon.Entry.Amount), reconPaidAt, reconAt,
		refundAmount, refund.Reason, refund.ApprovedBy, refundAt, refund.PaymentBy, revokedAt, revokedWhy,
	}
}

func scanApplication(row interface{ Scan(...any) error }) (*data.Application, error) {
	var (
		a                           data.Application
		noticeNo, receiptNo, certNo sql.NullString
		notice                      data.PaymentNotice
		payment                     data.Payment
		cert                        data.Certificate
		recon                       data.Reconciliation
		refund                      data.Refund
		refundAmount                sql.NullInt64
	)
	err := row.Scan(
		&a.ID, &a.No, &a.Version, &a.Status, &a.Series, &a.Qualification, &a.Level, &a.Method, &a.LiaisonPointID,
		&a.ApplicantID, &a.Name, &a.IDNumber, &a.Mobile, &a.Education, &a.Major, &a.UnitID, &a.UnitName, &a.UnitCreditCode,
		&a.UnitOpinion, nullTime{&a.Publicity.Start}, nullTime{&a.Publicity.End}, &a.AssigneeID, &a.AssigneeName, nullTime{&a.SupplementDeadline},
		&noticeNo, &notice.PayCode, &notice.Amount, nullTime{&notice.IssuedAt}, &notice.IssuedBy,
		&receiptNo, &payment.Amount, &payment.Channel, &payment.ProofSHA256, nullTime{&payment.PaidAt}, nullTime{&payment.RecordedAt}, &payment.RecordedBy,
		&certNo, nullTime{&cert.IssuedAt}, nullTime{&a.CreatedAt}, nullTime{&a.UpdatedAt}, nullTime{&a.SubmittedAt}, nullTime{&a.ReviewedAt}, &a.FormSeal, &a.WorkingYears,
		&notice.Payee, nullTime{&notice.Due}, &notice.PayURL, &payment.RecordedByID, &payment.CorrectedBy, nullTime{&payment.CorrectedAt},
		&recon.Outcome, &recon.Entry.PayCode, &recon.Entry.Ref, &recon.Entry.Channel, &recon.Entry.Amount, nullTime{&recon.Entry.PaidAt}, nullTime{&recon.At},
		&refundAmount, &refund.Reason, &refund.ApprovedBy, nullTime{&refund.ApprovedAt}, &refund.PaymentBy, nullTime{&cert.RevokedAt}, &cert.RevokedWhy,
	)
	if err != nil {
		return nil, err
	}
	if noticeNo.Valid {
		notice.No = noticeNo.String
		a.Notice = &notice
	}
	if receiptNo.Valid {
		payment.ReceiptNo = receiptNo.String
		a.Payment = &payment
	}
	if certNo.Valid {
		cert.No = certNo.String
		a.Certificate = &cert
	}
	if recon.Outcome != "" {
		a.Reconciliation = &recon
	}
	if refundAmount.Valid {
		refund.Amount = data.Fen(refundAmount.Int64)
		a.Refund = &refund
	}
	return &a, nil
}

// attachmentColumns and decisionColumns are what an application's
// snapshot carries of its attachments and decisions, as saveApplication
// writes them and a bulk snapshot copies them.
const (
	attachmentColumns = `application_id, id, ord, kind, file_name, sha256, size, content_type, check_result, check_note, display_sha256`
	decisionColumns   = `application_id, ord, action, from_status, to_status, actor_id, actor_name, role, reasons, note, at`
)

const (
	deleteAttachments = `DELETE FROM attachments WHERE application_id = ?`
	insertAttachment  = `INSERT INTO attachments (` + attachmentColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	deleteDecisions   = `DELETE FROM decisions WHERE application_id = ?`
	insertDecision    = `INSERT INTO decisions (` + decisionColumns + `) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
)

// saveApplication writes an application in tx (its statements prepared once
// per transaction, see prep). prev is what is stored under its ID when the
// caller knows it (an empty Application for a new one), nil when unknown.
// Knowing it, only what changed is written: the changed columns (so the
// indexes of unchanged ones are left alone), the attachments only when they
// changed, and only the new decisions, as decisions only ever grow.
func saveApplication(ctx context.Context, tx *txn, a, prev *data.Application) error {
	if err := saveApplicationRow(ctx, tx, a, prev); err != nil {
		return err
	}
	if prev == nil || !slices.Equal(prev.Attachments, a.Attachments) {
		if prev == nil || len(prev.Attachments) > 0 {
			if _, err := exec(ctx, tx, deleteAttachments, a.ID); err != nil {
				return err
			}
		}
		for i, at := range a.Attachments {
			if _, err := exec(ctx, tx, insertAttachment, a.ID, at.ID, i, at.Kind, at.FileName, at.SHA256, at.Size, at.ContentType, string(at.Check), at.CheckNote, at.DisplaySHA256); err != nil {
				return err
			}
		}
	}
	kept := 0
	if prev != nil && len(prev.Decisions) <= len(a.Decisions) && slices.EqualFunc(prev.Decisions, a.Decisions[:len(prev.Decisions)], sameDecision) {
		kept = len(prev.Decisions)
	} else if _, err := exec(ctx, tx, deleteDecisions, a.ID); err != nil {
		return err
	}
	for i, d := range a.Decisions[kept:] {
		reasons, err := json.Marshal(nonNil(d.Reasons))
		if err != nil {
			return err
		}
		if _, err := exec(ctx, tx, insertDecision, a.ID, kept+i, string(d.Action), string(d.From), string(d.To), d.ActorID, d.ActorName, string(d.Role), string(reasons), d.Note, d.At.UnixNano()); err != nil {
			return err
		}
	}
	return nil
}

// applicationColumnNames are the columns of applicationColumns, in order.
var applicationColumnNames = func() []string {
	cols := strings.Split(applicationColumns, ",")
	for i := range cols {
		cols[i] = strings.TrimSpace(cols[i])
	}
	return cols
}()

func saveApplicationRow(ctx context.Context, tx *txn, a, prev *data.Application) error {
	vals := appValues(a)
	if prev == nil || prev.ID == "" {
		_, err := exec(ctx, tx, upsertApplication, vals...)
		return err
	}
	old := appValues(prev)
	var (
		set  []string
		args []any
	)
	for i := 1; i < len(vals); i++ { // column 0 is the id
		if vals[i] != old[i] {
			set = append(set, applicationColumnNames[i]+" = ?")
			args = append(args, vals[i])
		}
	}
	if len(set) == 0 {
		return nil
	}
	_, err := exec(ctx, tx, `UPDATE applications SET `+strings.Join(set, ", ")+` WHERE id = ?`, append(args, a.ID)...)
	return err
}

// sameDecision tells a stored decision from another; decisions are never
// edited, so who, what and when identify one.
func sameDecision(a, b data.Decision) bool {
	return a.Action == b.Action && a.ActorID == b.ActorID && a.At.Equal(b.At)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

// SaveApplications writes whole application snapshots in one transaction,
// replacing what was stored under the same IDs: a bulk import on the
// server (logged for sync), test and benchmark fixtures anywhere.
func (s *Store) SaveApplications(ctx context.Context, apps []*data.Application) error {
	return s.inWrite(ctx, func(tx *txn) error {
		for _, a := range apps {
			if err := saveApplication(ctx, tx, a, nil); err != nil {
				return fmt.Errorf("save application %s: %w", a.No, err)
			}
			if err := s.logChange(ctx, tx, data.ChangeApplication, a.ID, scopeOf(a)); err != nil {
				return err
			}
		}
		return nil
	})
}

// CreateApplication stores a new draft for actor: it sets the status,
// version 1 and the times, gives it the next number of the year when No
// is empty (e.g. 2026000123), and records a create event in the audit
// chain. The form may be incomplete; it is validated on submit.
func (s *Store) CreateApplication(ctx context.Context, a *data.Application, actor data.Actor, now time.Time) error {
	if a.ID == "" || a.ApplicantID == "" {
		return data.Errorf(data.EINVALID, "新申报缺少编号或申报人")
	}
	return s.inWrite(ctx, func(tx *txn) error {
		if s.server {
			ref, err := referenceTx(ctx, tx)
			if err != nil {
				return err
			}
			if err := ref.CheckForm(&a.Form); err != nil {
				return err
			}
		}
		if a.No == "" {
			year := now.In(data.Shanghai).Year()
			n, err := nextCounter(ctx, tx, fmt.Sprintf("application_no/%d", year))
			if err != nil {
				return err
			}
			a.No = fmt.Sprintf("%d%06d", year, n)
		}
		a.Status, a.Version = data.StatusDraft, 1
		a.CreatedAt, a.UpdatedAt = now.UTC(), now.UTC()
		if err := saveApplication(ctx, tx, a, &data.Application{}); err != nil {
			if strings.Contains(err.Error(), "UNIQUE") {
				return data.Errorf(data.ECONFLICT, "申请编号 %s 或申请 ID 已存在", a.No)
			}
			return err
		}
		if err := s.logChange(ctx, tx, data.ChangeApplication, a.ID, scopeOf(a)); err != nil {
			return err
		}
		return appendAudit(ctx, tx, &data.AuditEvent{
			ApplicationID: a.ID, ApplicationNo: a.No, Action: data.ActionCreate, ToStatus: data.StatusDraft,
			Version: 1, ActorID: actor.ID, ActorName: actor.Name, Role: actor.Role, At: now.UTC(), Changes: data.Changed(nil, a),
		})
	})
}

// Apply applies a command where the record lives: in one transaction it
// loads the application, runs data.Apply, saves the result, appends the
// audit event, queues the SMS effects and, on the server, seals the form and
// logs the change for sync. A command ID seen before is refused as a
// conflict.
func (s *Store) Apply(ctx context.Context, cmd data.Command, env data.Env) (data.Outcome, error) {
	var out data.Outcome
	err := s.inWrite(ctx, func(tx *txn) (err error) {
		out, err = s.applyTx(ctx, tx, cmd, env, false)
		return err
	})
	return out, err
}

// applyTx is Apply in tx. rowOnly: the command reads and changes the row
// alone (the finance system's facts), so the application is loaded without
// its attachments and decisions, which the outcome then lacks, and keeps the
// sync scope it has: a statement of 10,000 payments reconciles in half the
// time.
func (s *Store) applyTx(ctx context.Context, tx *txn, cmd data.Command, env data.Env, rowOnly bool) (data.Outcome, error) {
	load := findApplication
	if rowOnly {
		load = findRecord
	}
	app, err := load(ctx, tx, `id = ?`, cmd.ApplicationID)
	if err != nil {
		return data.Outcome{}, err
	}
	if env.Point == nil { // envTx's remembers them across a batch
		env.Point = pointsIn(ctx, tx)
	}
	if s.server {
		// Read only by the commands that text a unit.
		env.Unit = func(id string) *data.Unit {
			u, _ := scanUnit(queryRow(ctx, tx, `SELECT `+unitColumns+` FROM units WHERE id = ?`, id))
			return u
		}
		if env.Template == nil { // envTx reads them once per batch
			wordings, err := smsTemplatesTx(ctx, tx)
			if err != nil {
				return data.Outcome{}, err
			}
			env.Template = lookup(wordings)
		}
	}
	if s.server && env.Reference == nil {
		var ref *data.Reference // read once, and only by the commands that check choices
		env.Reference = func() (r *data.Reference, err error) {
			if ref == nil {
				ref, err = referenceTx(ctx, tx)
			}
			return ref, err
		}
	}
	if s.server && cmd.Action == data.ActionCertify && cmd.Certificate != nil && cmd.Certificate.No == "" {
		cert := *cmd.Certificate
		if cert.No, err = certificateNo(ctx, tx, cert.IssuedAt, env.Now); err != nil {
			return data.Outcome{}, err
		}
		cmd.Certificate = &cert
	}
	out, err := data.Apply(app, cmd, env)
	if err != nil {
		return data.Outcome{}, err
	}
	for _, e := range out.Effects {
		if e.Kind == data.EffectSeal && s.SealForm != nil {
			p, err := pointTx(ctx, tx, out.Application.LiaisonPointID)
			if err != nil {
				return data.Outcome{}, err
			}
			if out.Application.FormSeal, err = s.SealForm(&out.Application, p.Name); err != nil {
				return data.Outcome{}, fmt.Errorf("seal form: %w", err)
			}
		}
	}
	if s.server {
		if err := uniqueNumbers(ctx, tx, app, &out.Application); err != nil {
			return data.Outcome{}, err
		}
	}
	if out.Application.Version != app.Version || !slices.Equal(appValues(&out.Application), appValues(app)) {
		if err := saveApplication(ctx, tx, &out.Application, app); err != nil {
			return data.Outcome{}, err
		}
		scope := scopeOf(&out.Application)
		if rowOnly { // without the decisions scopeOf reads
			if scope, err = loggedScope(ctx, tx, app.ID); err != nil {
				return data.Outcome{}, err
			}
		}
		if err := s.logChange(ctx, tx, data.ChangeApplication, app.ID, scope); err != nil {
			return data.Outcome{}, err
		}
		if moved := app.LiaisonPointID; moved != out.Application.LiaisonPointID && scopeOf(app) != scopeNone {
			if err := s.logChange(ctx, tx, data.ChangeMovedAway, app.ID+"@"+moved, scopePoint(moved)); err != nil {
				return data.Outcome{}, err
			}
		}
	}
	if err := appendAudit(ctx, tx, &out.Event); err != nil {
		if strings.Contains(err.Error(), "UNIQUE") {
			return data.Outcome{}, data.Errorf(data.ECONFLICT, "该操作（%s）已经执行过", cmd.ID)
		}
		return data.Outcome{}, err
	}
	for _, e := range out.Effects {
		if e.Kind == data.EffectSMS {
			if err := queueSMS(ctx, tx, e, env.Now); err != nil {
				return data.Outcome{}, err
			}
		}
	}
	return out, nil
}

// documentNumbers are the numbers that identify a document or money, each
// unique on the server: what a command sets, and where to look for it.
var documentNumbers = []struct {
	label, where string
	of           func(*data.Application) []any // nil while there is none
}{
	{"证书编号", `certificate_no = ?`, func(a *data.Application) []any {
		if c := a.Certificate; c != nil {
			return []any{c.No}
		}
		return nil
	}},
	{"缴款通知书编号", `notice_no = ?`, func(a *data.Application) []any {
		if n := a.Notice; n != nil {
			return []any{n.No}
		}
		return nil
	}},
	// The term <> '' lets SQLite use the partial index (migration 027).
	{"缴款码", `notice_pay_code = ? AND notice_pay_code <> ''`, func(a *data.Application) []any {
		if n := a.Notice; n != nil && n.PayCode != "" {
			return []any{n.PayCode}
		}
		return nil
	}},
	// A receipt number is unique per way of paying: a bank's 票据号 and a
	// WeChat transaction number come from different series.
	{"票据号", `payment_receipt_no = ? AND payment_channel = ?`, func(a *data.Application) []any {
		if p := a.Payment; p != nil {
			return []any{p.ReceiptNo, p.Channel}
		}
		return nil
	}},
}

// uniqueNumbers refuses a command that gives the application a number
// another application already has, naming that one.
func uniqueNumbers(ctx context.Context, tx *txn, before, after *data.Application) error {
	for _, n := range documentNumbers {
		value := n.of(after)
		if value == nil || slices.Equal(value, n.of(before)) {
			continue
		}
		var no, name string
		err := queryRow(ctx, tx, `SELECT no, name FROM applications WHERE `+n.where+` AND id <> ? LIMIT 1`, append(value, after.ID)...).Scan(&no, &name)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return err
		}
		return data.Errorf(data.EINVALID, "%s %s 已用于申请 %s（%s），不能重复使用：请核对后更正", n.label, value[0], no, name)
	}
	return nil
}

// pointsIn finds liaison points in tx, each read once: a batch of pushed
// commands texts the same point's address again and again. A point the
// store does not know is nil (the texts then say "the chosen point").
func pointsIn(ctx context.Context, tx *txn) func(string) *data.LiaisonPoint {
	seen := map[string]*data.LiaisonPoint{}
	return func(id string) *data.LiaisonPoint {
		p, ok := seen[id]
		if !ok {
			if p, _ = pointTx(ctx, tx, id); p != nil && p.ID == "" {
				p = nil
			}
			seen[id] = p
		}
		return p
	}
}

// certificateNo numbers a certificate issued at (now when unset) by the
// bureau's pattern, the next of its year not yet used: a number typed at a
// desk may have taken one. Run inside the command's savepoint, a refused
// 发证 leaves no gap.
func certificateNo(ctx context.Context, tx *txn, at, now time.Time) (string, error) {
	if at.IsZero() {
		at = now
	}
	pattern, err := certificatePatternTx(ctx, tx)
	if err != nil {
		return "", err
	}
	for {
		seq, err := nextCounter(ctx, tx, data.CertificateYear(at))
		if err != nil {
			return "", err
		}
		no := pattern.Format(at, seq)
		var used bool
		if err := queryRow(ctx, tx, `SELECT EXISTS (SELECT 1 FROM applications WHERE certificate_no = ?)`, no).Scan(&used); err != nil || !used {
			return no, err
		}
	}
}

func certificatePatternTx(ctx context.Context, tx *txn) (data.CertificatePattern, error) {
	var p data.CertificatePattern
	err := queryRow(ctx, tx, `SELECT pattern FROM certificate_settings`).Scan(&p)
	return p, err
}

// CertificatePattern is how the server numbers certificates.
func (s *Store) CertificatePattern(ctx context.Context) (p data.CertificatePattern, err error) {
	err = s.inRead(ctx, func(tx *txn) error {
		p, err = certificatePatternTx(ctx, tx)
		return err
	})
	return p, err
}

// SetCertificatePattern sets how the server numbers certificates from now
// on (an admin command); numbers given stay as they are.
func (s *Store) SetCertificatePattern(ctx context.Context, p data.CertificatePattern) error {
	if err := p.Check(); err != nil {
		return err
	}
	return s.inWrite(ctx, func(tx *txn) error {
		if _, err := exec(ctx, tx, `UPDATE certificate_settings SET pattern = ?`, string(p)); err != nil {
			return err
		}
		return s.auditAdmin(ctx, tx, "certificate-pattern", "pattern", string(p))
	})
}

// findRecord is the application's row alone, without its attachments
// and decisions.
func findRecord(ctx context.Context, tx *txn, where string, arg any) (*data.Application, error) {
	a, err := scanApplication(queryRow(ctx, tx, `SELECT `+applicationColumns+` FROM applications WHERE `+where, arg))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, data.Errorf(data.ENOTFOUND, "找不到申请 %v", arg)
	}
	return a, err
}

// Application returns the application with that ID.
func (s *Store) Application(ctx context.Context, id string) (*data.Application, error) {
	var a *data.Application
	err := s.inRead(ctx, func(tx *txn) (err error) {
		a, err = findApplication(ctx, tx, `id = ?`, id)
		return err
	})
	return a, err
}

// ApplicationByNo returns the application with that number (申请编号), as
// the scan box finds it.
func (s *Store) ApplicationByNo(ctx context.Context, no string) (*data.Application, error) {
	var a *data.Application
	err := s.inRead(ctx, func(tx *txn) (err error) {
		a, err = findApplication(ctx, tx, `no = ?`, no)
		return err
	})
	return a, err
}

// CertificateHolder returns the application whose certificate bears the
// number no (证书编号), as 证书查询 finds it.
func (s *Store) CertificateHolder(ctx context.Context, no string) (*data.Application, error) {
	var a *data.Application
	err := s.inRead(ctx, func(tx *txn) (err error) {
		a, err = findApplication(ctx, tx, `certificate_no = ?`, no)
		return err
	})
	return a, err
}

// findApplication loads one application with its attachments and
// decisions.
func findApplication(ctx context.Context, tx *txn, where string, arg any) (*data.Application, error) {
	a, err := findRecord(ctx, tx, where, arg)
	if err != nil {
		return nil, err
	}
	rows, err := query(ctx, tx, `SELECT id, kind, file_name, sha256, size, content_type, check_result, check_note, display_sha256
		FROM attachments WHERE application_id = ? ORDER BY ord`, a.ID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var at data.Attachment
		if err := rows.Scan(&at.ID, &at.Kind, &at.FileName, &at.SHA256, &at.Size, &at.ContentType, &at.Check, &at.CheckNote, &at.DisplaySHA256); err != nil {
			return nil, err
		}
		a.Attachments = append(a.Attachments, at)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	drows, err := query(ctx, tx, `SELECT action, from_status, to_status, actor_id, actor_name, role, reasons, note, at
		FROM decisions WHERE application_id = ? ORDER BY ord`, a.ID)
	if err != nil {
		return nil, err
	}
	defer drows.Close()
	for drows.Next() {
		var (
			d       data.Decision
			reasons string
			at      int64
		)
		if err := drows.Scan(&d.Action, &d.From, &d.To, &d.ActorID, &d.ActorName, &d.Role, &reasons, &d.Note, &at); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(reasons), &d.Reasons); err != nil {
			return nil, err
		}
		if len(d.Reasons) == 0 {
			d.Reasons = nil
		}
		d.At = time.Unix(0, at).UTC()
		a.Decisions = append(a.Decisions, d)
	}
	return a, drows.Err()
}
