package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/data/sqlite"
)

// Password is every demo account's password.
const Password = "titledesk2026"

// Account is a demo login the seed made.
type Account struct {
	Login, Name string
	Role        data.Role
	Point       string // liaison point code, clerks only
}

// mix is how the demo spreads applications over statuses, per 20: most
// wait for the clerk, and every status appears.
var mix = []struct {
	status data.Status
	per20  int
	// daysAgo moves the last step back, so some deadlines are past.
	daysAgo int
}{
	{data.StatusLiaisonReview, 5, 0},
	{data.StatusBureauRejected, 1, 0},
	{data.StatusAwaitingPaper, 3, 0},
	{data.StatusPaperDeficient, 1, 0},
	{data.StatusPaperDeficient, 1, 9}, // supplement deadline passed: 逾期 pending
	{data.StatusAwaitingPayment, 2, 0},
	{data.StatusBureauReview, 2, 0},
	{data.StatusPaid, 1, 0},
	{data.StatusCertified, 1, 0},
	{data.StatusUnitReview, 1, 0},
	{data.StatusReturnedToApplicant, 1, 0},
	{data.StatusDraft, 1, 0},
}

// extras are the rarer statuses, one of each per 100 applications.
var extras = []data.Status{data.StatusReturnedToUnit, data.StatusUnitRejected, data.StatusRejected, data.StatusExpired, data.StatusWithdrawn}

// scanKinds are the materials every demo application carries.
var scanKinds = []string{"居民身份证", "学历证书", "劳动合同或聘用证明"}

// Seed fills a server store with a realistic demo: liaison points named
// after Dongguan towns and associations, their clerks, a reviewer, units,
// and n applications over every status with generated scans, all through
// the store's real commands. Most applications go to the first point,
// whose clerk the demo workstation logs in as.
func Seed(ctx context.Context, db *sqlite.Store, blobs blobstore.Dir, n int, now time.Time) ([]Account, error) {
	hash, err := data.HashPassword(Password)
	if err != nil {
		return nil, err
	}
	var (
		accounts []Account
		points   []*data.LiaisonPoint
		clerks   = map[string]data.Actor{}
	)
	clerkNames := []string{"陈晓敏", "李志强", "黄丽娟", "刘建华", "吴海燕", "周文博", "徐嘉怡", "孙立军"}
	for i, p := range Points() {
		lp := &data.LiaisonPoint{ID: uuid.NewString(), Code: p[0], Name: p[1], Place: p[2], Address: p[2] + "政务服务中心二楼职称窗口",
			Phone: fmt.Sprintf("0769-2283%04d", 6690+i), Active: true}
		if err := db.SaveLiaisonPoint(ctx, lp); err != nil {
			return nil, err
		}
		points = append(points, lp)
		c := &data.Clerk{ID: uuid.NewString(), Login: strings.ToLower(p[0]), Name: clerkNames[i%len(clerkNames)], Role: data.RoleClerk,
			LiaisonPointID: lp.ID, PasswordHash: hash, Active: true}
		if err := db.SaveClerk(ctx, c); err != nil {
			return nil, err
		}
		clerks[lp.ID] = c.Actor()
		accounts = append(accounts, Account{c.Login, c.Name, c.Role, lp.Code})
	}
	reviewer := &data.Clerk{ID: uuid.NewString(), Login: "bureau", Name: "王立新", Role: data.RoleBureau, PasswordHash: hash, Active: true}
	if err := db.SaveClerk(ctx, reviewer); err != nil {
		return nil, err
	}
	accounts = append(accounts, Account{reviewer.Login, reviewer.Name, reviewer.Role, ""})
	for i := range units {
		if err := db.SaveUnit(ctx, Unit(i)); err != nil {
			return nil, err
		}
	}
	var statement []sqlite.StatementLine
	for i := 0; i < n; i++ {
		point := points[0]
		if i%5 >= 3 {
			point = points[1+i%(len(points)-1)]
		}
		unit := Unit(i)
		status, daysAgo := statusFor(i)
		a := Application(i, point, unit, nil)
		person := &Person{Seq: i + 1, Name: a.Name, IDNumber: a.IDNumber, Unit: a.UnitName, Major: a.Major}
		for k, kind := range scanKinds {
			at, err := ScanAttachment(blobs, fmt.Sprintf("m%d", k+1), kind, person)
			if err != nil {
				return nil, err
			}
			a.Attachments = append(a.Attachments, at)
		}
		created := now.AddDate(0, 0, -60-i%30)
		if err := Create(ctx, db, a, created); err != nil {
			return nil, err
		}
		cast := Cast{Clerk: clerks[point.ID], Reviewer: reviewer.Actor(), Withhold: map[data.Action]bool{
			// Some notices have not come from the finance system yet, and
			// some payments are in no statement: the statement below
			// gives them their outcomes.
			data.ActionBureauPass: i%7 == 3 && status == data.StatusAwaitingPaper, data.ActionPaymentRecord: status == data.StatusPaid && i%40 < 20}}
		// Spread the last steps over the past weeks, so queues have ages.
		at := now.Add(-time.Duration(daysAgo)*24*time.Hour - time.Duration(i%14)*7*time.Hour)
		driven, err := Drive(ctx, db, a, status, cast, at)
		if err != nil {
			return nil, fmt.Errorf("demo application %d to %s: %w", i, status, err)
		}
		if line, ok := statementLine(driven, i, now); ok {
			statement = append(statement, line)
		}
	}
	// The day's statement from the payment platform: with what Drive
	// reconciled, every outcome appears, and one payment of no notice.
	statement = append(statement, sqlite.StatementLine{Line: len(statement) + 2, Entry: data.StatementEntry{PayCode: "441999999999999999",
		Ref: "JY" + now.Format("20060102") + "99999999", Channel: "网上缴费", Amount: 30000, PaidAt: now.Add(-26 * time.Hour)}})
	if _, err := db.ImportStatement(ctx, "演示对账单.xlsx", "demo", statement, nil, FinanceSystem, now); err != nil {
		return nil, fmt.Errorf("demo statement: %w", err)
	}
	return accounts, nil
}

// statementLine is the demo statement's entry for a driven application:
// a payment whose statement was withheld arrives with a different amount
// (金额不符) or not at all (未到账 once old enough); one awaiting payment
// arrives before the counter records it (已到账未登记).
func statementLine(a *data.Application, i int, now time.Time) (sqlite.StatementLine, bool) {
	switch {
	case a.Notice == nil || a.Reconciliation != nil:
	case a.Status == data.StatusPaid && i%80 < 20:
		e := StatementEntry(a, a.Notice.Amount-5000, now.Add(-30*time.Hour))
		return sqlite.StatementLine{Line: i + 2, Entry: e}, true
	case a.Status == data.StatusAwaitingPayment && i%3 == 0:
		return sqlite.StatementLine{Line: i + 2, Entry: StatementEntry(a, a.Notice.Amount, now.Add(-20*time.Hour))}, true
	}
	return sqlite.StatementLine{}, false
}

// statusFor picks application i's status from the mix, with the rare
// statuses sprinkled in.
func statusFor(i int) (data.Status, int) {
	if i%100 >= 95 {
		return extras[i%100-95], 0
	}
	k := i % 20
	for _, m := range mix {
		if k < m.per20 {
			return m.status, m.daysAgo
		}
		k -= m.per20
	}
	return data.StatusLiaisonReview, 0
}
