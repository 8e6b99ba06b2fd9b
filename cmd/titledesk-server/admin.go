package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"os/user"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/data/sqlite"
	"titledesk/demo"
)

// adminCommand is one `admin <name>` command; run gets the open store.
type adminCommand struct {
	name, about string
	flags       func(fs *flag.FlagSet) func(ctx context.Context, e *env, db *sqlite.Store) error
}

var adminCommands []adminCommand

func init() {
	adminCommands = []adminCommand{
		{"point-add", "add or change a liaison point (人才联络点)", pointAdd},
		{"point-list", "list liaison points", pointList},
		{"user-add", "add a clerk or bureau reviewer; the password is read from standard input", userAdd},
		{"user-list", "list clerks and reviewers", userList},
		{"enroll", "make a one-time enrollment code for a workstation", enroll},
		{"device-list", "list enrolled workstations", deviceList},
		{"device-revoke", "stop a workstation at once (stolen, retired): refused from now on, its later seals not trusted", deviceRevoke},
		{"unit-list", "list units (用人单位), pending ones first", unitList},
		{"unit-approve", "approve a unit's registration by its credit code", unitDecide(true)},
		{"unit-reject", "refuse a unit's registration, with the reason the unit will read", unitDecide(false)},
		{"fee-set", "set the fee of a level (申报级别)", feeSet},
		{"fee-list", "list the fee schedule", feeList},
		{"materials-set", "set the materials (材料类别) a level requires before 送审", materialsSet},
		{"materials-list", "list the required materials per level", materialsList},
		{"calendar-import", "import holidays and adjusted working days from CSV (date,work,name)", calendarImport},
		{"calendar-list", "list the working-day exceptions of a year", calendarList},
		{"reason-add", "add a common reason (常用原因)", reasonAdd},
		{"reason-list", "list common reasons", reasonList},
		{"finance-set", "set how fees are collected and reconciled, and when the papers are due (-flow, -payee, -item, -require-reconciled, -unreceived-days, -paper-days)", financeSet},
		{"finance-show", "show how fees are collected and reconciled", financeShow},
		{"certificate-pattern", "show, or with -set change, how the server numbers certificates ({YYYY} year, {SEQ:n} the year's sequence)", certificatePattern},
		{"notices-import", "import the payment notices the finance system issued (-file xlsx/csv, columns per -map)", noticesImport},
		{"statement-import", "import the payment platform's statement (对账单) and reconcile (-file xlsx/csv, -map)", statementImport},
		{"reconcile-list", "list payments that did not reconcile (金额不符, 未到账, 无登记)", reconcileList},
		{"sms-list", "list queued and sent SMS", smsList},
		{"sms-resend", "send again a message given up on after too many failures (-id, see sms-list)", smsResend},
		{"sms-templates", "list every message the system sends: its key, who gets it, its wording (the bureau's, if reworded)", smsTemplates},
		{"sms-template", "reword a message (-key, -text with the same {placeholders} in order; empty -text restores the built-in)", smsTemplate},
		{"verify-audit", "verify the audit hash chain", verifyAudit},
		{"admin-add", "make an administrator of the web console (/admin): prints the authenticator's secret and otpauth:// address once", adminAdd},
		{"backup", "write a consistent copy of the database while serving", backup},
		{"demo-seed", "fill a fresh server with realistic demo data (never on a real bureau server)", demoSeed},
	}
}

func runAdmin(e *env, args []string) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" {
		fmt.Fprintln(e.stderr, "usage: titledesk-server admin <command> -data DIR [flags]   (each command takes -h)")
		for _, c := range adminCommands {
			fmt.Fprintf(e.stderr, "  %-16s %s\n", c.name, c.about)
		}
		fmt.Fprintf(e.stderr, "  %-16s %s\n", "restore", "put a backup in place as the database (-from FILE), with a new epoch; stop serve first")
		fmt.Fprintf(e.stderr, "  %-16s %s\n", "key-rotate", "a new bureau sealing key; the old one is kept for verifying; stop serve first")
		return nil
	}
	// Whoever runs an admin command is in the audit chain of what it changes.
	e.ctx = data.WithAdmin(e.ctx, operator())
	switch args[0] { // these work on files, not on an open database
	case "restore":
		return runRestore(e, args[1:])
	case "key-rotate":
		return runKeyRotate(e, args[1:])
	}
	for _, c := range adminCommands {
		if c.name != args[0] {
			continue
		}
		fs := flag.NewFlagSet("admin "+c.name, flag.ContinueOnError)
		dir := dataFlag(fs)
		do := c.flags(fs)
		if err := parse(fs, e, args[1:]); err != nil {
			return err
		}
		f := folder(*dir)
		if _, err := os.Stat(f.db()); err != nil {
			return data.Errorf(data.ENOTFOUND, "数据目录 %s 尚未初始化：请先运行 titledesk-server init -data %s", *dir, *dir)
		}
		db, _, err := openStore(e.ctx, f)
		if err != nil {
			return err
		}
		defer db.Close()
		e.folder = f
		before, err := db.AuditHead(e.ctx)
		if err != nil {
			return err
		}
		if err := do(e.ctx, e, db); err != nil {
			return err
		}
		// What an admin command appended to the chain is signed at once:
		// days of setting up before the first serve leave no gap.
		if after, err := db.AuditHead(e.ctx); err != nil || after == before {
			return err
		}
		return checkpoint(e.ctx, f, db, "admin")
	}
	fmt.Fprintf(e.stderr, "unknown admin command %q; see `titledesk-server admin help`\n", args[0])
	return errUsage
}

// operator is who runs an admin command: the system account and the
// machine, which is what the command line knows of a person.
func operator() data.Actor {
	name := "unknown"
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	host, _ := os.Hostname()
	return data.Actor{ID: name + "@" + host, Name: name + "（" + host + " 命令行）"}
}

// required reports a missing flag as a usage error.
func required(e *env, pairs ...string) error {
	for i := 0; i < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			fmt.Fprintf(e.stderr, "flag -%s is required\n", pairs[i])
			return errUsage
		}
	}
	return nil
}

func table(w io.Writer, header string, rows [][]string) {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, header)
	for _, r := range rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	tw.Flush()
}

func pointAdd(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	code := fs.String("code", "", "short code, part of document numbers (e.g. DLXH)")
	name := fs.String("name", "", "name, e.g. 东莞市电力行业协会")
	place := fs.String("place", "", "town or subdistrict")
	address := fs.String("address", "", "counter address shown to applicants")
	phone := fs.String("phone", "", "counter phone")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		if err := required(e, "code", *code, "name", *name); err != nil {
			return err
		}
		p := &data.LiaisonPoint{ID: uuid.NewString(), Code: *code, Name: *name, Place: *place, Address: *address, Phone: *phone, Active: true}
		if old, err := db.LiaisonPointByCode(ctx, *code); err == nil {
			p.ID = old.ID
		} else if data.ErrorCode(err) != data.ENOTFOUND {
			return err
		}
		if err := db.SaveLiaisonPoint(ctx, p); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "liaison point %s %s saved\n", data.Normalize(*code), *name)
		return nil
	}
}

func pointList(*flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		points, err := db.LiaisonPoints(ctx)
		if err != nil {
			return err
		}
		var rows [][]string
		for _, p := range points {
			rows = append(rows, []string{p.Code, p.Name, p.Place, strconv.FormatBool(p.Active)})
		}
		table(e.stdout, "CODE\tNAME\tPLACE\tACTIVE", rows)
		return nil
	}
}

func userAdd(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	login := fs.String("login", "", "login name")
	name := fs.String("name", "", "full name")
	role := fs.String("role", "clerk", "clerk (liaison point) or bureau (reviewer)")
	point := fs.String("point", "", "liaison point code (clerks)")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		if err := required(e, "login", *login, "name", *name); err != nil {
			return err
		}
		pw, err := bufio.NewReader(e.stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return err
		}
		pw = strings.TrimRight(pw, "\r\n")
		if err := data.CheckNewPassword(pw, *login, *name); err != nil {
			return err
		}
		hash, err := data.HashPassword(pw)
		if err != nil {
			return err
		}
		c := &data.Clerk{ID: uuid.NewString(), Login: *login, Name: *name, Role: data.Role(*role), PasswordHash: hash, Active: true}
		if *point != "" {
			p, err := db.LiaisonPointByCode(ctx, *point)
			if err != nil {
				return err
			}
			c.LiaisonPointID = p.ID
		}
		if old, err := db.ClerkByLogin(ctx, *login); err == nil {
			c.ID = old.ID
		}
		if err := db.SaveClerk(ctx, c); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s %s (%s) saved\n", c.Role.Label(), *name, *login)
		return nil
	}
}

func userList(*flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		clerks, err := db.Clerks(ctx)
		if err != nil {
			return err
		}
		var rows [][]string
		for _, c := range clerks {
			rows = append(rows, []string{c.Login, c.Name, string(c.Role), c.LiaisonPointID, strconv.FormatBool(c.Active)})
		}
		table(e.stdout, "LOGIN\tNAME\tROLE\tPOINT\tACTIVE", rows)
		return nil
	}
}

func enroll(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	role := fs.String("role", "clerk", "clerk (liaison point workstation) or bureau")
	point := fs.String("point", "", "liaison point code (clerk workstations)")
	ttl := fs.Duration("ttl", 72*time.Hour, "how long the code is valid")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		pointID := ""
		if *point != "" {
			p, err := db.LiaisonPointByCode(ctx, *point)
			if err != nil {
				return err
			}
			pointID = p.ID
		}
		code, err := db.CreateEnrollment(ctx, data.Role(*role), pointID, *ttl, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintln(e.stdout, code)
		return nil
	}
}

func deviceList(*flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		devs, err := db.Devices(ctx)
		if err != nil {
			return err
		}
		var rows [][]string
		for _, d := range devs {
			revoked := ""
			if !d.RevokedAt.IsZero() {
				revoked = d.RevokedAt.In(data.Shanghai).Format("2006-01-02 15:04")
			}
			rows = append(rows, []string{d.Code, string(d.Role), d.LiaisonPointID, d.Hostname, d.KeyID,
				d.EnrolledAt.In(data.Shanghai).Format("2006-01-02 15:04"), strconv.FormatInt(d.AckedSeq, 10), revoked})
		}
		table(e.stdout, "CODE\tROLE\tPOINT\tHOST\tKEY\tENROLLED\tACKED\tREVOKED", rows)
		return nil
	}
}

func deviceRevoke(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	code := fs.String("code", "", "the workstation's code (admin device-list)")
	reason := fs.String("reason", "", "why, for the audit chain: 电脑失窃, 报废 …")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		if err := required(e, "code", *code, "reason", *reason); err != nil {
			return err
		}
		dev, err := db.RevokeDevice(ctx, *code, *reason, time.Now())
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "workstation %s revoked at %s: refused from now on; desks learn it at their next sync\n",
			dev.Code, dev.RevokedAt.In(data.Shanghai).Format("2006-01-02 15:04:05"))
		return nil
	}
}

func unitList(*flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		units, err := db.Units(ctx)
		if err != nil {
			return err
		}
		var rows [][]string
		for _, u := range units {
			rows = append(rows, []string{u.CreditCode, u.Name, u.ContactName, u.ContactMobile, u.StatusLabel(), u.RejectReason})
		}
		table(e.stdout, "CREDIT CODE\tNAME\tCONTACT\tMOBILE\tSTATE\tREASON", rows)
		return nil
	}
}

// unitDecide approves a unit's registration or, with a reason, refuses it:
// the unit reads the reason when it logs in, and may correct its details and
// send them again. The store normalises the typed credit code.
func unitDecide(approve bool) func(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	return func(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
		code := fs.String("credit-code", "", "统一社会信用代码 of the unit")
		reason := new(string)
		if !approve {
			reason = fs.String("reason", "", "why, as the unit will read it, e.g. 单位名称与营业执照不一致")
		}
		return func(ctx context.Context, e *env, db *sqlite.Store) error {
			args := []string{"credit-code", *code}
			if !approve {
				args = append(args, "reason", *reason)
			}
			if err := required(e, args...); err != nil {
				return err
			}
			u, err := db.DecideUnit(ctx, *code, approve, *reason)
			if err != nil {
				return err
			}
			fmt.Fprintf(e.stdout, "unit %s %s\n", u.Name, map[bool]string{true: "approved", false: "rejected"}[approve])
			return nil
		}
	}
}

func feeSet(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	level := fs.String("level", "", "申报级别, e.g. 中级")
	amount := fs.String("amount", "", "amount in yuan, e.g. 200.00")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		if err := required(e, "level", *level, "amount", *amount); err != nil {
			return err
		}
		fen, err := data.ParseYuan(*amount)
		if err != nil {
			return err
		}
		if err := db.SaveFee(ctx, data.Fee{Level: *level, Amount: fen}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %s 元\n", *level, fen)
		return nil
	}
}

func feeList(*flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		fees, err := db.Fees(ctx)
		if err != nil {
			return err
		}
		var rows [][]string
		for _, f := range fees {
			rows = append(rows, []string{f.Level, f.Amount.String(), f.Amount.Capital()})
		}
		table(e.stdout, "LEVEL\tYUAN\tCAPITAL", rows)
		return nil
	}
}

func calendarImport(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	file := fs.String("file", "", "CSV with lines date,work,name: 2026-10-01,0,国庆节 / 2026-10-10,1,国庆节调休")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		if err := required(e, "file", *file); err != nil {
			return err
		}
		f, err := os.Open(*file)
		if err != nil {
			return err
		}
		defer f.Close()
		days, err := data.ParseCalendarCSV(f)
		if err != nil {
			return err
		}
		if err := db.SaveCalendarDays(ctx, days); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%d days imported\n", len(days))
		return nil
	}
}

func calendarList(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	year := fs.Int("year", time.Now().In(data.Shanghai).Year(), "year")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		cal, err := db.Calendar(ctx)
		if err != nil {
			return err
		}
		if !cal.HasYear(*year) {
			return data.Errorf(data.ENOTFOUND, "no data: 工作日日历中没有 %d 年的节假日安排，请用 admin calendar-import 导入当年的放假通知", *year)
		}
		var rows [][]string
		for _, d := range cal.Days() {
			if !strings.HasPrefix(d.Date, strconv.Itoa(*year)) {
				continue
			}
			kind := "休"
			if d.Work {
				kind = "班"
			}
			rows = append(rows, []string{d.Date, kind, d.Name})
		}
		table(e.stdout, "DATE\t\tNAME", rows)
		return nil
	}
}

func reasonAdd(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	step := fs.String("step", "review", "review (初审、复审) or counter (现场核验)")
	text := fs.String("text", "", "the reason as applicants will read it")
	order := fs.Int("order", 100, "position in the list")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		if err := required(e, "text", *text); err != nil {
			return err
		}
		r := &data.Reason{Step: data.ReasonStep(*step), Text: *text, Order: *order, Active: true}
		if err := db.SaveReason(ctx, r); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "reason %d saved\n", r.ID)
		return nil
	}
}

func reasonList(*flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		var rows [][]string
		for _, step := range []data.ReasonStep{data.StepReview, data.StepCounter} {
			rs, err := db.Reasons(ctx, step)
			if err != nil {
				return err
			}
			for _, r := range rs {
				rows = append(rows, []string{strconv.FormatInt(r.ID, 10), string(r.Step), r.Text})
			}
		}
		table(e.stdout, "ID\tSTEP\tTEXT", rows)
		return nil
	}
}

func smsList(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	limit := fs.Int("n", 50, "how many, newest first")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		msgs, err := db.SMSLog(ctx, *limit)
		if err != nil {
			return err
		}
		var rows [][]string
		for _, m := range msgs {
			state := "待发送"
			switch {
			case !m.SentAt.IsZero():
				state = "已发送 " + m.SentAt.In(data.Shanghai).Format("01-02 15:04")
			case !m.FailedAt.IsZero():
				state = "发送失败，已停止：" + m.LastError
			case m.Mobile == "":
				state = "无手机号，仅站内消息"
			}
			rows = append(rows, []string{strconv.FormatInt(m.ID, 10), m.Mobile, state, strconv.Itoa(m.Attempts), m.Text})
		}
		table(e.stdout, "ID\tMOBILE\tSTATE\tTRIES\tTEXT", rows)
		return nil
	}
}

// adminAdd makes a console administrator with a password and a new TOTP
// secret, printed once for the administrator's authenticator app.
func adminAdd(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	login := fs.String("login", "", "login name")
	name := fs.String("name", "", "full name")
	password := fs.String("password", "", "initial password (the policy of every password applies)")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		if err := required(e, "login", *login, "name", *name, "password", *password); err != nil {
			return err
		}
		if err := data.CheckNewPassword(*password, *login, *name); err != nil {
			return err
		}
		hash, err := data.HashPassword(*password)
		if err != nil {
			return err
		}
		secret, url, err := data.NewTOTP(*login)
		if err != nil {
			return err
		}
		a := &data.Admin{ID: uuid.NewString(), Login: *login, Name: *name, PasswordHash: hash, TOTPSecret: secret, Active: true, CreatedAt: time.Now()}
		if err := db.SaveAdmin(ctx, a); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "admin %s\nsecret %s\notpauth %s\n", a.Login, secret, url)
		return nil
	}
}

func smsResend(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	id := fs.Int64("id", 0, "the message's ID (sms-list)")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		if err := db.ResendSMS(ctx, *id); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "短信 %d 将重新发送\n", *id)
		return nil
	}
}

func smsTemplates(*flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		own, err := db.SMSTemplates(ctx)
		if err != nil {
			return err
		}
		keys := data.MessageKeys()
		var rows [][]string
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			text, whose := keys[k].Template, "内置"
			if w, ok := own[k]; ok {
				text, whose = w, "本局"
			}
			rows = append(rows, []string{k, keys[k].To.Label(), whose, text})
		}
		table(e.stdout, "KEY\tTO\tWORDING\tTEXT", rows)
		return nil
	}
}

func smsTemplate(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	key := fs.String("key", "", "the message's key (sms-templates)")
	text := fs.String("text", "", "the new wording; empty restores the built-in")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		if err := db.SetSMSTemplate(ctx, *key, *text, time.Now()); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "已保存 %s\n", *key)
		return nil
	}
}

func verifyAudit(*flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		keys, err := bureauKeys(e.folder)
		if err != nil {
			return err
		}
		r, err := db.VerifyAudit(ctx, keys, time.Now())
		if err != nil {
			return err
		}
		if r.OK() {
			fmt.Fprintf(e.stdout, "audit chain intact: %d events, %d checkpoints\n", r.Events, r.Checkpoints)
			return nil
		}
		if b := r.Break; b != nil {
			fmt.Fprintf(e.stdout, "审计链在第 %d 条事件处断开：%s\n", b.Seq, b.Reason)
		}
		for _, f := range r.Fields {
			fmt.Fprintf(e.stdout, "申请 %s 的 %s 与审计记录不符：数据库中为“%s”，第 %d 条事件记为“%s”\n", f.ApplicationNo, f.Field, f.Stored, f.Seq, f.Recorded)
		}
		for _, p := range r.Problems {
			fmt.Fprintln(e.stdout, p.Text)
		}
		found := len(r.Fields) + len(r.Problems)
		if r.Break != nil {
			found++
		}
		return data.Errorf(data.ECONFLICT, "审计核验未通过：%d 条事件，发现 %d 处问题（见上）", r.Events, found)
	}
}

func backup(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	out := fs.String("out", "", "file to write the copy to (must not exist)")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		if err := required(e, "out", *out); err != nil {
			return err
		}
		if err := writeBackup(ctx, e.folder, db, *out); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "backup written to %s\n", *out)
		return nil
	}
}

// writeBackup writes a consistent copy of the database to out, which must
// not exist yet, after a signed checkpoint: a restore of it, or an auditor,
// can tell a tail of the audit chain cut off since. The command line and
// the console's 立即备份 both write through here.
func writeBackup(ctx context.Context, f folder, db *sqlite.Store, out string) error {
	if _, err := os.Stat(out); err == nil {
		return data.Errorf(data.ECONFLICT, "备份文件 %s 已存在，未覆盖", out)
	}
	if err := checkpoint(ctx, f, db, "backup"); err != nil {
		return err
	}
	return db.Backup(ctx, out)
}

func demoSeed(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	n := fs.Int("n", 300, "how many applications")
	dir := fs.Lookup("data")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		if points, err := db.LiaisonPoints(ctx); err != nil || len(points) > 0 {
			if err == nil {
				err = data.Errorf(data.ECONFLICT, "该服务器已有联络点数据：演示数据只能写入新初始化的服务器")
			}
			return err
		}
		accounts, err := demo.Seed(ctx, db, blobstore.Dir(folder(dir.Value.String()).blobs()), *n, time.Now())
		if err != nil {
			return err
		}
		var rows [][]string
		for _, a := range accounts {
			rows = append(rows, []string{a.Login, demo.Password, a.Name, a.Role.Label(), a.Point})
		}
		table(e.stdout, "LOGIN\tPASSWORD\tNAME\tROLE\tPOINT", rows)
		return nil
	}
}

func materialsSet(fs *flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	level := fs.String("level", "", "申报级别, e.g. 中级")
	kinds := fs.String("kinds", "", "comma-separated 材料类别, in the order applicants see them")
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		if err := required(e, "level", *level, "kinds", *kinds); err != nil {
			return err
		}
		list := strings.FieldsFunc(*kinds, func(r rune) bool { return r == ',' || r == '，' })
		if err := db.SetRequiredMaterials(ctx, *level, list); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s: %s\n", *level, strings.Join(list, "、"))
		return nil
	}
}

func materialsList(*flag.FlagSet) func(context.Context, *env, *sqlite.Store) error {
	return func(ctx context.Context, e *env, db *sqlite.Store) error {
		fees, err := db.Fees(ctx)
		if err != nil {
			return err
		}
		var rows [][]string
		for _, f := range fees {
			kinds, err := db.RequiredMaterials(ctx, f.Level)
			if err != nil {
				return err
			}
			rows = append(rows, []string{f.Level, strings.Join(kinds, "、")})
		}
		table(e.stdout, "LEVEL\tMATERIALS", rows)
		return nil
	}
}
