package sync_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"titledesk/app"
	"titledesk/data"
	"titledesk/internal/qrscan"
	"titledesk/internal/testworld"
)

// TestDeskClockOffServerDecides: on a PC whose clock is a day slow or a
// year fast, the counter's decisions, notices, their numbers, deadlines
// and printed dates are the server's; a payment dated by the PC's clock a
// year ahead is refused; the desk shows a banner saying its clock is off.
func TestDeskClockOffServerDecides(t *testing.T) {
	for _, tc := range []struct {
		name   string
		skew   time.Duration
		banner string
	}{
		{"one day slow", -24 * time.Hour, "慢了约 1.0 天"},
		{"one year fast", 365 * 24 * time.Hour, "快了约 365.0 天"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			w := testworld.New(t)
			apps := w.Apps(t, 2, "DLXH", data.StatusAwaitingPaper)
			d := w.EnrolledSkewed(t, "DLXH", tc.skew)
			if _, err := d.Login(ctx, "chen", testworld.Password); err != nil {
				t.Fatal(err)
			}
			pc := d.Clock.Local()
			today, pcDay := time.Now().In(data.Shanghai), pc.In(data.Shanghai)
			if got := d.ClockWarning(); !strings.Contains(got, tc.banner) {
				t.Errorf("banner %q, want %q", got, tc.banner)
			}

			checks := allMatch(apps[0])
			v, prints, err := d.Accept(ctx, apps[0].ID, checks)
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range prints {
				text := qrscan.Text(t, p.Path)
				if !strings.Contains(text, today.Format("2006年1月2日")) || strings.Contains(text, pcDay.Format("2006年1月2日")) {
					t.Errorf("%s printed with the PC's date %s, not the server's %s:\n%s", p.Path, pcDay.Format(time.DateOnly), today.Format(time.DateOnly), text)
				}
			}
			checks[0].Check = data.CheckMissing
			if _, _, err := d.Deficient(ctx, apps[1].ID, checks, []string{"未提供原件"}, ""); err != nil {
				t.Fatal(err)
			}
			// A payment dated by the PC's calendar, a year ahead, is not
			// taken; one dated today by the server's is.
			in := app.PaymentInput{Channel: "银行柜台", Amount: v.Notice.Amount, ReceiptNo: "4400123456", PaidAt: time.Now().AddDate(1, 0, 0)}
			if _, err := d.RecordPayment(ctx, apps[0].ID, in); data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "晚于今天") {
				t.Errorf("a payment dated a year ahead: %v", err)
			}
			in.PaidAt = pc
			_, err = d.RecordPayment(ctx, apps[0].ID, in)
			if tc.skew > 0 && err == nil {
				t.Errorf("a payment dated by the fast PC clock (%s) was taken", pcDay.Format(time.DateOnly))
			}
			in.PaidAt = time.Now()
			if _, err := d.RecordPayment(ctx, apps[0].ID, in); err != nil {
				t.Fatalf("a payment dated today: %v", err)
			}
			testworld.Drain(t, d)

			// What the server stored carries its dates.
			cal, err := w.DB.Calendar(ctx)
			if err != nil {
				t.Fatal(err)
			}
			accepted, _ := w.DB.Application(ctx, apps[0].ID)
			deficient, _ := w.DB.Application(ctx, apps[1].ID)
			for _, at := range []time.Time{accepted.Notice.IssuedAt, accepted.Payment.RecordedAt, accepted.Decisions[len(accepted.Decisions)-1].At, deficient.UpdatedAt} {
				if off := at.Sub(time.Now()).Abs(); off > time.Minute {
					t.Errorf("the server stored %s, %s off its clock", at, off)
				}
			}
			if want, err := data.SupplementDeadline(cal, time.Now()); err != nil || data.Midnight(deficient.SupplementDeadline) != data.Midnight(want) {
				t.Errorf("supplement deadline %s, want %s", deficient.SupplementDeadline.In(data.Shanghai).Format(time.DateOnly), want.Format(time.DateOnly))
			}
			if off := d.Syncer().Status().ClockOffset; (off + tc.skew).Abs() > time.Minute {
				t.Errorf("sync measured the clock %s off, want %s", -off, tc.skew)
			}
		})
	}
}
