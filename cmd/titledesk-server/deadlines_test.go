package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
)

// TestDeadlinesRemindThenExpire: after 复审 passes the paper materials are
// due within the bureau's working days. Two working days before, the
// applicant is texted a reminder, once; past the deadline the server ends
// the application (逾期退件) and texts that too: the reminder first.
func TestDeadlinesRemindThenExpire(t *testing.T) {
	b := newBureau(t)
	db := b.store(t)
	ctx := context.Background()
	cal, err := db.Calendar(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fin, _ := db.Finance(ctx)
	a := submitted(t, db, "DLXH")
	passed := time.Now()
	for _, c := range []data.Command{
		{Action: data.ActionLiaisonPass, Actor: clerkActor(t, db, "chen"), ExpectedVersion: a.Version},
		{Action: data.ActionBureauPass, Actor: clerkActor(t, db, "wang"), ExpectedVersion: a.Version + 1},
	} {
		c.ID, c.ApplicationID = uuid.NewString(), a.ID
		if _, err := db.Apply(ctx, c, data.Env{Now: passed, Calendar: cal, Finance: &fin}); err != nil {
			t.Fatal(err)
		}
	}
	got, _ := db.Application(ctx, a.ID)
	deadline := got.SupplementDeadline
	if want, _ := cal.AddWorkingDays(passed, fin.PaperDays); got.Status != data.StatusAwaitingPaper || !data.Midnight(deadline).Equal(data.Midnight(want)) {
		t.Fatalf("after 复审: %s, due %v, want %v", got.Status, deadline, want)
	}
	run := func(at time.Time) (int, int, data.Status) {
		t.Helper()
		r, err := db.RunDeadlines(ctx, at)
		if err != nil {
			t.Fatal(err)
		}
		a, _ := db.Application(ctx, a.ID)
		return r.Reminded, r.Expired, a.Status
	}
	if r, e, s := run(passed.Add(24 * time.Hour)); r+e != 0 || s != data.StatusAwaitingPaper {
		t.Errorf("the day after: %d reminded, %d expired, %s", r, e, s)
	}
	early, _ := cal.AddWorkingDays(passed, fin.PaperDays-data.RemindWorkingDays)
	if r, e, s := run(early); r != 1 || e != 0 || s != data.StatusAwaitingPaper {
		t.Errorf("two working days before: %d reminded, %d expired, %s", r, e, s)
	}
	if r, _, _ := run(early.Add(time.Hour)); r != 0 {
		t.Errorf("reminded again: %d", r)
	}
	// The day after the deadline is a desk's to sync what it did in time.
	if r, e, s := run(deadline.Add(24 * time.Hour)); r+e != 0 || s != data.StatusAwaitingPaper {
		t.Errorf("the day after the deadline: %d reminded, %d expired, %s", r, e, s)
	}
	if r, e, s := run(deadline.Add(60 * time.Hour)); e != 1 || s != data.StatusExpired {
		t.Errorf("past the deadline: %d reminded, %d expired, %s", r, e, s)
	}
	msgs, _ := db.SMSLog(ctx, 2) // newest first
	if len(msgs) != 2 || msgs[1].Template != data.PaperReminderKey || !strings.Contains(msgs[1].Text, "前到东莞市电力行业协会") ||
		msgs[0].Template != "paper_expire/applicant" || !strings.Contains(msgs[0].Text, "已逾期退件") ||
		!strings.Contains(msgs[0].Text, "（"+deadline.In(data.Shanghai).Format("1月2日")+"）") {
		t.Errorf("texts: %+v", msgs)
	}
	final, _ := db.Application(ctx, a.ID)
	if last := final.Decisions[len(final.Decisions)-1]; last.Role != data.RoleDeadline || last.Action != data.ActionPaperExpire {
		t.Errorf("decided by %s %s", last.Role, last.Action)
	}
	if r, e, _ := run(deadline.Add(96 * time.Hour)); r+e != 0 {
		t.Errorf("ran again: %d reminded, %d expired", r, e)
	}
}
