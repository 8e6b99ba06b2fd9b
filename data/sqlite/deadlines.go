package sqlite

import (
	"context"
	"fmt"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
)

// DeadlineRun is what one RunDeadlines did.
type DeadlineRun struct {
	Reminded, Expired int
}

// RunDeadlines keeps the workflow's deadlines on the server: an applicant
// whose paper materials (after 复审, or after a 一次性告知) or payment
// (by the notice's 缴款期限) are due within data.RemindWorkingDays working
// days is texted a reminder, once per deadline; one past it by a whole day
// (ExpiryGrace: a desk offline at the deadline has that day to bring in what
// the counter did in time) is ended as a clerk would (逾期退件, 逾期未缴费),
// by the state machine's deadline rows, each in its own transaction, and
// texted. A payment the bank's statement shows is not ended for want of a
// receipt. What is neither due nor near costs no write. Run it at start and
// hourly.
func (s *Store) RunDeadlines(ctx context.Context, now time.Time) (DeadlineRun, error) {
	var run DeadlineRun
	type due struct {
		id       string
		version  int64
		status   data.Status
		deadline time.Time
	}
	var list []due
	err := s.inRead(ctx, func(tx *txn) error {
		rows, err := query(ctx, tx, `SELECT id, version, status, supplement_deadline FROM applications
				WHERE status IN ('awaiting_paper', 'paper_deficient') AND supplement_deadline IS NOT NULL
			UNION ALL SELECT id, version, status, notice_due FROM applications
				WHERE status = 'awaiting_payment' AND notice_due IS NOT NULL AND payment_receipt_no IS NULL AND coalesce(recon_ref, '') = ''`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.version, &d.status, nullTime{&d.deadline}); err != nil {
				return err
			}
			list = append(list, d)
		}
		return rows.Err()
	})
	if err != nil {
		return run, err
	}
	cal, err := s.Calendar(ctx)
	if err != nil {
		return run, err
	}
	robot := data.Actor{ID: "deadline", Name: "系统（期限届满）", Role: data.RoleDeadline}
	for _, d := range list {
		expire := data.Midnight(now).After(data.Midnight(d.deadline).Add(ExpiryGrace))
		// A year the calendar lacks counts no days: no reminder (the desks
		// and the console warn of the missing year), but expiry goes on.
		left, cerr := cal.WorkingDaysBetween(now, d.deadline)
		past := data.Midnight(now).After(data.Midnight(d.deadline))
		if !expire && (past || cerr != nil || left > data.RemindWorkingDays) {
			continue
		}
		action, key := data.ActionPaperExpire, data.PaperReminderKey
		if d.status == data.StatusAwaitingPayment {
			action, key = data.ActionPaymentExpire, data.PaymentReminderKey
		}
		err := s.inWrite(ctx, func(tx *txn) error {
			env, err := s.envTx(ctx, tx, now)
			if err != nil {
				return err
			}
			if expire {
				cmd := data.Command{ID: uuid.NewString(), Action: action, ApplicationID: d.id, ExpectedVersion: d.version, Actor: robot}
				if _, err := s.applyTx(ctx, tx, cmd, env, false); err != nil {
					return err
				}
				run.Expired++
				return nil
			}
			a, err := findRecord(ctx, tx, `id = ?`, d.id)
			if err != nil {
				return err
			}
			wording, ok := env.Template(key)
			if !ok {
				wording = data.MessageKeys()[key].Template
			}
			text, params := data.SMSText(wording, a, &data.Command{}, env)
			// Once per deadline: a later run finds the dedupe key taken.
			e := data.Effect{Kind: data.EffectSMS, ApplicationID: a.ID, Party: data.PartyApplicant, Mobile: a.Mobile, Text: text, Params: params,
				Template: key, DedupeKey: fmt.Sprintf("remind/%s/%s/%d", key, a.ID, d.deadline.Unix())}
			var seen bool
			if err := queryRow(ctx, tx, `SELECT EXISTS (SELECT 1 FROM sms_outbox WHERE dedupe_key = ?)`, e.DedupeKey).Scan(&seen); err != nil || seen {
				return err
			}
			if err := queueSMS(ctx, tx, e, now); err != nil {
				return err
			}
			run.Reminded++
			return nil
		})
		if err != nil && data.ErrorCode(err) != data.ECONFLICT && data.ErrorCode(err) != data.EINVALID {
			return run, err // a command refused (changed meanwhile) waits for the next run
		}
	}
	return run, nil
}

// ExpiryGrace is how long past its deadline day an application waits
// before the server ends it: a day for a desk that was offline then.
const ExpiryGrace = 24 * time.Hour
