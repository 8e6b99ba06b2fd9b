package notify

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"titledesk/data"
)

// down is a provider that fails every message.
type down struct{ calls int }

func (*down) Name() string { return "down" }
func (d *down) Send(context.Context, data.SMS) error {
	d.calls++
	return errors.New("isv.BUSINESS_LIMIT_CONTROL")
}

// TestFailingProviderGivesUp: a message that keeps failing is tried
// data.SMSMaxAttempts times, then given up on and listed for an
// administrator, who sends it again from the first try.
func TestFailingProviderGivesUp(t *testing.T) {
	db := queued(t)
	ctx := context.Background()
	p := &down{}
	d := &Deliverer{Queue: dueNow{db}, Provider: p, RetryBase: time.Millisecond}
	for range data.SMSMaxAttempts + 5 {
		if _, err := d.DeliverDue(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if p.calls != data.SMSMaxAttempts {
		t.Errorf("tried %d times, want %d", p.calls, data.SMSMaxAttempts)
	}
	failed, err := db.FailedSMS(ctx, 10)
	if err != nil || len(failed) != 1 || failed[0].Template != passKey || failed[0].FailedAt.IsZero() || !strings.Contains(failed[0].LastError, "BUSINESS_LIMIT_CONTROL") {
		t.Fatalf("given up: %+v %v", failed, err)
	}
	if pending, _ := db.PendingSMS(ctx, time.Now().Add(24*time.Hour), 10); len(pending) != 0 {
		t.Errorf("still pending: %+v", pending)
	}
	if err := db.ResendSMS(ctx, failed[0].ID); err != nil {
		t.Fatal(err)
	}
	if err := db.ResendSMS(ctx, failed[0].ID); data.ErrorCode(err) != data.ENOTFOUND {
		t.Errorf("a second resend: %v", err)
	}
	d.Provider = &Gateway{URL: "http://127.0.0.1:1/unreachable"}
	if pending, _ := db.PendingSMS(ctx, time.Now(), 10); len(pending) != 1 || pending[0].Attempts != 0 {
		t.Errorf("after the resend: %+v", pending)
	}
}

// TestRewordedTemplate: the bureau's wording of a message is what the next
// such step sends; a wording that drops or reorders the placeholders the SMS
// services fill, or uses an unknown one, is refused.
func TestRewordedTemplate(t *testing.T) {
	db := queued(t)
	ctx := context.Background()
	for _, bad := range []string{"您的申请已通过复审。", "申请{no}已通过，{nonsense}", "请到{point}（{address}）交申请{no}的材料，电话{phone}"} {
		if err := db.SetSMSTemplate(ctx, passKey, bad, time.Now()); data.ErrorCode(err) != data.EINVALID {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if err := db.SetSMSTemplate(ctx, "no_such/key", "{no}", time.Now()); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("an unknown key: %v", err)
	}
	if err := db.SetSMSTemplate(ctx, passKey, "【东莞职称】申请{no}复审通过，请于{deadline}前到{point}（{address}）交材料，电话{phone}。", time.Now()); err != nil {
		t.Fatal(err)
	}
	pt, err := db.LiaisonPointByCode(ctx, "DLXH")
	if err != nil {
		t.Fatal(err)
	}
	// The first went out in the old words; a second application through the
	// same steps is texted in the new.
	passed(t, db, pt, 2)
	msgs, _ := db.SMSLog(ctx, 50)
	var old, reworded string
	for _, m := range msgs {
		if m.Template == passKey && strings.Contains(m.Text, "2026000001") {
			old = m.Text
		}
		if m.Template == passKey && strings.Contains(m.Text, "2026000002") {
			reworded = m.Text
		}
	}
	if !strings.Contains(old, "请登录系统打印申报表") || !strings.HasPrefix(reworded, "【东莞职称】") || !strings.Contains(reworded, "前到东莞市电力行业协会（南城街道鸿福路 1 号）交材料") {
		t.Errorf("old %q, reworded %q", old, reworded)
	}
}
