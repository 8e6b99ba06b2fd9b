package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"titledesk/data"
	"titledesk/data/sqlite"
	"titledesk/finance"
)

func financeSet(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	flow := fs.String("flow", "", "notice (缴款通知书, then the 票据第三联 or a screenshot) or ebill (电子非税收入一般缴款书)")
	payee := fs.String("payee", "", "收款单位 printed when a notice names none")
	item := fs.String("item", "", "收费项目")
	wait := fs.String("require-reconciled", "", "true: 发证 waits until the payment is 已对账")
	days := fs.Int("unreceived-days", 0, "days after which a recorded payment no statement holds is 未到账")
	paper := fs.Int("paper-days", -1, "working days after 复审 passes within which the paper materials are due (0: no deadline)")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		f, err := db.Finance(ctx)
		if err != nil {
			return err
		}
		if *flow != "" {
			f.Flow = data.PaymentFlow(*flow)
		}
		if *payee != "" {
			f.Payee = *payee
		}
		if *item != "" {
			f.Item = *item
		}
		if *wait != "" {
			if f.RequireReconciled, err = strconv.ParseBool(*wait); err != nil {
				return data.Errorf(data.EINVALID, "-require-reconciled 应为 true 或 false")
			}
		}
		if *days != 0 {
			f.UnreceivedDays = *days
		}
		if *paper >= 0 {
			f.PaperDays = *paper
		}
		if err := db.SaveFinance(ctx, f); err != nil {
			return err
		}
		return printFinance(e.stdout, f)
	}
}

func financeShow(*flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		f, err := db.Finance(ctx)
		if err != nil {
			return err
		}
		return printFinance(e.stdout, f)
	}
}

func printFinance(w io.Writer, f data.FinanceSettings) error {
	_, err := fmt.Fprintf(w, "flow %s\npayee %s\nitem %s\nrequire-reconciled %v\nunreceived-days %d\npaper-days %d\n", f.Flow, f.Payee, f.Item, f.RequireReconciled, f.UnreceivedDays, f.PaperDays)
	return err
}

func certificatePattern(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	set := fs.String("set", "", "the new pattern, e.g. 粤职证字 {YYYY}-{SEQ:6}")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		if *set != "" {
			if err := db.SetCertificatePattern(ctx, data.CertificatePattern(*set)); err != nil {
				return err
			}
		}
		p, err := db.CertificatePattern(ctx)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(e.stdout, "pattern %s\nnext %s\n", p, p.Format(time.Now(), 1))
		return err
	}
}

// fileSum is the SHA-256 of an imported file, kept with the import so that
// the file can be matched later.
func fileSum(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", data.Errorf(data.EINVALID, "无法读取文件 %s：%w", filepath.Base(path), err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// financeImport is an admin command that reads the finance system's file
// (-file, columns per -map) with read and imports its rows with apply.
func financeImport[R any](what string, read func(string, finance.Mapping) ([]R, []finance.RowError, error),
	apply func(ctx context.Context, db *sqlite.Store, file, sum string, rows []R, refused []sqlite.ImportIssue) (*sqlite.ImportReport, error),
) func(*flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	return func(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
		path := fs.String("file", "", what+" (.xlsx or .csv)")
		mapping := fs.String("map", "", "JSON file naming its columns (default: the usual Chinese headers)")
		return func(ctx context.Context, e *env, db *sqlite.Store) error {
			if err := required(e, "file", *path); err != nil {
				return err
			}
			m, err := finance.LoadMapping(*mapping)
			if err != nil {
				return err
			}
			rows, bad, err := read(*path, m)
			if err != nil {
				return err
			}
			sum, err := fileSum(*path)
			if err != nil {
				return err
			}
			refused := make([]sqlite.ImportIssue, len(bad))
			for i, b := range bad {
				refused[i] = sqlite.ImportIssue{Line: b.Line, Message: b.Message}
			}
			rep, err := apply(ctx, db, filepath.Base(*path), sum, rows, refused)
			if err != nil {
				return err
			}
			printReport(e.stdout, rep)
			return nil
		}
	}
}

var (
	noticesImport = financeImport("the finance system's export of issued notices", finance.ReadNotices,
		func(ctx context.Context, db *sqlite.Store, file, sum string, rows []finance.NoticeRow, refused []sqlite.ImportIssue) (*sqlite.ImportReport, error) {
			issued := make([]sqlite.IssuedNotice, len(rows))
			for i, r := range rows {
				issued[i] = sqlite.IssuedNotice{Line: r.Line, AppNo: r.AppNo, IDNumber: r.IDNumber, Notice: data.PaymentNotice{
					No: r.NoticeNo, PayCode: r.PayCode, Amount: r.Amount, Payee: r.Payee, Due: r.Due, PayURL: r.PayURL, IssuedAt: r.IssuedAt}}
			}
			return db.ImportNotices(ctx, file, sum, issued, refused, operator(), time.Now())
		})
	statementImport = financeImport("the payment platform's statement (对账单)", finance.ReadStatement,
		func(ctx context.Context, db *sqlite.Store, file, sum string, rows []finance.StatementRow, refused []sqlite.ImportIssue) (*sqlite.ImportReport, error) {
			lines := make([]sqlite.StatementLine, len(rows))
			for i, r := range rows {
				lines[i] = sqlite.StatementLine{Line: r.Line, Entry: data.StatementEntry{PayCode: r.PayCode, Ref: r.Ref, Channel: r.Channel, Amount: r.Amount, PaidAt: r.PaidAt}}
			}
			return db.ImportStatement(ctx, file, sum, lines, refused, operator(), time.Now())
		})
)

// printReport tells the administrator what an import did, row by row for
// what it did not take.
func printReport(w io.Writer, r *sqlite.ImportReport) {
	fmt.Fprintf(w, "%s: %d rows, %d applied", r.File, r.Rows, r.Applied)
	if r.Known > 0 {
		fmt.Fprintf(w, ", %d imported before", r.Known)
	}
	fmt.Fprintln(w)
	for _, o := range []data.ReconcileOutcome{data.Matched, data.AmountMismatch, data.Unrecorded, data.NotReceived} {
		if n := r.Outcomes[o]; n > 0 {
			fmt.Fprintf(w, "  %s %d\n", o.Label(), n)
		}
	}
	for _, x := range r.Unmatched {
		fmt.Fprintf(w, "  无登记 第%d行 %s\n", x.Line, x.Message)
	}
	for _, x := range r.Refused {
		fmt.Fprintln(w, strings.Join(slices.DeleteFunc([]string{"  未导入", fmt.Sprintf("第%d行", x.Line), x.Key, x.Message}, func(f string) bool { return f == "" }), " "))
	}
}

func reconcileList(*flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		xs, err := db.ReconcileExceptions(ctx)
		if err != nil {
			return err
		}
		var rows [][]string
		for _, x := range xs {
			rows = append(rows, []string{x.ApplicationNo, x.Name, x.Outcome.Label(), x.PayCode, x.Notice.String(), x.Recorded.String(), x.Received.String(), x.StatementRef})
		}
		unmatched, err := db.UnmatchedEntries(ctx)
		if err != nil {
			return err
		}
		for _, u := range unmatched {
			rows = append(rows, []string{"", "", "无登记", u.PayCode, "", "", u.Amount.String(), u.Ref})
		}
		table(e.stdout, "APPLICATION\tNAME\tOUTCOME\tPAY CODE\tNOTICE\tRECORDED\tRECEIVED\tSTATEMENT REF", rows)
		return nil
	}
}

// platformName is how notices the platform issued say where they came from.
const platformName = "非税收入平台"

// issueNotices asks the finance platform, every poll, for the notice of
// each application that passed 复审 and has none (DESIGN.md section 4). A
// platform that cannot be reached is asked again next round; one that
// refuses an application is asked again for it after an hour, and the
// refusal is logged for the administrator.
func issueNotices(ctx context.Context, db *sqlite.Store, p finance.Platform, log *slog.Logger, poll time.Duration) {
	refused := map[string]time.Time{}
	for {
		if err := issueRound(ctx, db, p, log, refused); err != nil {
			log.Error("issuing payment notices", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(poll):
		}
	}
}

func issueRound(ctx context.Context, db *sqlite.Store, p finance.Platform, log *slog.Logger, refused map[string]time.Time) error {
	apps, err := db.ApplicationsAwaitingNotice(ctx)
	if err != nil {
		return err
	}
	fin, err := db.Finance(ctx)
	if err != nil {
		return err
	}
	ref, err := db.Reference(ctx)
	if err != nil {
		return err
	}
	for _, a := range apps {
		if at, ok := refused[a.ID]; ok && time.Since(at) < time.Hour {
			continue
		}
		ans, err := p.Issue(ctx, finance.IssueRequest{AppNo: a.No, Payer: a.Name, IDNumber: a.IDNumber, Item: fin.Item, Amount: ref.Fees[a.Level]})
		if err == nil {
			err = db.IssueNotice(ctx, a.ID, data.PaymentNotice{No: ans.NoticeNo, PayCode: ans.PayCode, Amount: ans.Amount, Payee: ans.Payee,
				Due: ans.Due, PayURL: ans.PayURL, IssuedAt: ans.IssuedAt}, platformName, time.Now())
		}
		switch {
		case err == nil:
			log.Info("payment notice issued", "application", a.No, "notice", ans.NoticeNo)
		case finance.Transient(err):
			return err // the platform is away: the next round tries again
		default:
			refused[a.ID] = time.Now()
			log.Error("the payment notice was refused", "application", a.No, "err", err)
		}
	}
	return nil
}
