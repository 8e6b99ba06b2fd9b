package portal

import (
	"crypto/ed25519"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/sheets"
)

// The bureau's web console (/admin): administrators, with a password and a
// TOTP code, approve units, manage the clerks and reviewers, revoke
// workstations, edit the common reasons, look after the SMS and verify the
// audit chain. Its sessions are apart from the portal's (their own cookie
// and table); every change goes through the same store methods as the
// command line (titledesk-server admin …) and is audited as the
// administrator's.

// adminCookie holds a console session; __Host- as the portal's.
const adminCookie = "__Host-titledesk-admin"

// adminTTL is how long a console login lasts: shorter than a clerk's day.
const adminTTL = 2 * time.Hour

func (p *Portal) registerConsole(mux *http.ServeMux) {
	for _, r := range []struct {
		pattern string
		open    bool // reachable before logging in
		h       handler
	}{
		{"GET /admin/login", true, p.adminLoginPage},
		{"POST /admin/login", true, p.adminLogin},
		{"POST /admin/logout", true, p.adminLogout},
		{"GET /admin", false, p.consoleHome},
		{"GET /admin/units", false, p.consoleUnits},
		{"POST /admin/units/{code}/approve", false, p.consoleUnitDecide(true)},
		{"POST /admin/units/{code}/reject", false, p.consoleUnitDecide(false)},
		{"GET /admin/users", false, p.consoleUsers},
		{"POST /admin/users", false, p.consoleUserAdd},
		{"POST /admin/users/{id}/active", false, p.consoleUserActive},
		{"POST /admin/users/{id}/password", false, p.consoleUserPassword},
		{"POST /admin/users/{id}/edit", false, p.consoleUserEdit},
		{"GET /admin/password", false, p.adminPasswordPage},
		{"POST /admin/password", false, p.adminPassword},
		{"GET /admin/devices", false, p.consoleDevices},
		{"POST /admin/devices/{code}/revoke", false, p.consoleDeviceRevoke},
		{"GET /admin/reasons", false, p.consoleReasons},
		{"POST /admin/reasons", false, p.consoleReasonSave},
		{"GET /admin/sms", false, p.consoleSMS},
		{"POST /admin/sms/{id}/resend", false, p.consoleSMSResend},
		{"POST /admin/sms/templates", false, p.consoleSMSTemplate},
		{"GET /admin/audit", false, p.consoleAudit},
		{"GET /admin/stats", false, p.consoleStats},
		{"GET /admin/backups", false, p.consoleBackups},
		{"POST /admin/backups", false, p.consoleBackupNow},
		{"GET /admin/points", false, p.consolePoints},
		{"POST /admin/points", false, p.consolePointSave},
		{"GET /admin/fees", false, p.consoleFees},
		{"POST /admin/fees", false, p.consoleFeeSave},
		{"GET /admin/calendar", false, p.consoleCalendar},
		{"POST /admin/calendar", false, p.consoleCalendarImport},
	} {
		mux.Handle(r.pattern, p.guard(func(rq *request) error { return p.serveConsole(rq, r.open, r.h) }))
	}
}

// serveConsole checks the console session, the CSRF token and that an
// administrator is logged in (unless open), then runs h as that
// administrator: the store audits what it does under the name.
func (p *Portal) serveConsole(rq *request, open bool, h handler) error {
	c, err := rq.r.Cookie(adminCookie)
	if err != nil || len(c.Value) != 43 {
		rq.token = newToken()
		setAdminCookie(rq.w, rq.token, 0)
	} else {
		rq.token = c.Value
		switch a, err := p.db.SessionAdmin(rq.ctx(), rq.token, p.Now()); {
		case err == nil:
			rq.admin = a
			rq.r = rq.r.WithContext(data.WithAdmin(rq.ctx(), a.Actor()))
		case data.ErrorCode(err) != data.EUNAUTHORIZED:
			return err
		}
	}
	if rq.r.Method == http.MethodPost {
		if err := p.checkCSRF(rq); err != nil {
			return err
		}
	}
	switch {
	case open:
	case rq.admin == nil && rq.r.Method == http.MethodGet:
		http.Redirect(rq.w, rq.r, "/admin/login", http.StatusSeeOther)
		return nil
	case rq.admin == nil:
		return data.Errorf(data.EUNAUTHORIZED, "登录已过期，请重新登录管理后台后再操作。")
	}
	return h(rq)
}

// again answers a change the administrator asked for: done, the page
// named next; a mistake they can fix, the form's page once more (view
// loads it) with the mistake beside the form; anything else, the error.
func (p *Portal) again(rq *request, err error, page, title string, view func() (any, error), next, notice string) error {
	switch {
	case err == nil:
		return redirect(rq, next, notice)
	case !formError(err):
		return err
	}
	v, verr := view()
	if verr != nil {
		return verr
	}
	p.render(rq, page, title, v, err)
	return nil
}

func setAdminCookie(w http.ResponseWriter, token string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: adminCookie, Value: token, Path: "/", MaxAge: int(maxAge.Seconds()),
		Secure: true, HttpOnly: true, SameSite: http.SameSiteStrictMode})
}

func (p *Portal) adminLoginPage(rq *request) error {
	p.render(rq, "admin_login", "管理后台登录", loginForm{}, nil)
	return nil
}

// adminLogin checks the password and the authenticator's code, each code
// good once; wrong ones count towards the lockout as the portal's do.
func (p *Portal) adminLogin(rq *request) error {
	f := loginForm{Login: trimmed(rq, "login")}
	a, err := p.authenticateAdmin(rq, f.Login, rq.r.PostFormValue("password"), strings.TrimSpace(rq.r.PostFormValue("code")))
	if err != nil {
		if data.ErrorCode(err) == data.EINTERNAL {
			return err
		}
		p.render(rq, "admin_login", "管理后台登录", f, err)
		return nil
	}
	token, now := newToken(), p.Now()
	if err := p.db.CreateAdminSession(rq.ctx(), token, a.ID, now, now.Add(adminTTL)); err != nil {
		return err
	}
	setAdminCookie(rq.w, token, adminTTL)
	return redirect(rq, "/admin", "")
}

func (p *Portal) authenticateAdmin(rq *request, login, password, code string) (*data.Admin, error) {
	now := p.Now()
	byLogin, byIP := loginRule, ipRule
	byLogin.Key, byIP.Key = "admin:"+data.NormalizeLogin(login), "ip:"+clientIP(rq.r)
	if until, err := p.db.LoginLockedUntil(rq.ctx(), now, byLogin.Key, byIP.Key); err != nil || !until.IsZero() {
		if err != nil {
			return nil, err
		}
		return nil, data.Errorf(data.EFORBIDDEN, "登录失败次数过多，已暂时锁定，请于 %s 后再试。", until.In(data.Shanghai).Format("15:04"))
	}
	a, err := p.db.AdminByLogin(rq.ctx(), login)
	if err != nil && data.ErrorCode(err) != data.ENOTFOUND {
		return nil, err
	}
	hash := p.dummyHash
	if a != nil && a.Active {
		hash = a.PasswordHash
	}
	ok, err := data.CheckPassword(hash, password)
	if err != nil {
		return nil, err
	}
	if ok && a != nil && a.Active {
		if step := data.CheckTOTP(a.TOTPSecret, code, now, a.TOTPStep); step > 0 {
			if used, err := p.db.UseTOTPStep(rq.ctx(), a.ID, step); err != nil || used {
				if err == nil {
					err = p.db.LoginSucceeded(rq.ctx(), byLogin.Key, byIP.Key)
				}
				return a, err
			}
		}
	}
	if _, err := p.db.LoginFailed(rq.ctx(), now, byLogin, byIP); err != nil {
		return nil, err
	}
	return nil, data.Errorf(data.EINVALID, "用户名、密码或动态口令错误（动态口令每个只能用一次）。连续输错 %d 次将锁定 %d 分钟。", loginRule.Max, int(loginRule.Lock.Minutes()))
}

func (p *Portal) adminLogout(rq *request) error {
	if err := p.db.DeleteAdminSession(rq.ctx(), rq.token); err != nil {
		return err
	}
	setAdminCookie(rq.w, newToken(), 0)
	return redirect(rq, "/admin/login", "")
}

// consoleHome is what waits for an administrator.
func (p *Portal) consoleHome(rq *request) error {
	units, err := p.db.Units(rq.ctx())
	if err != nil {
		return err
	}
	pending := 0
	for _, u := range units {
		if !u.Approved && u.RejectReason == "" {
			pending++
		}
	}
	failed, err := p.db.FailedSMS(rq.ctx(), 100)
	if err != nil {
		return err
	}
	p.render(rq, "admin_home", "管理后台", map[string]int{"PendingUnits": pending, "FailedSMS": len(failed)}, nil)
	return nil
}

func (p *Portal) consoleUnits(rq *request) error {
	units, err := p.db.Units(rq.ctx())
	if err != nil {
		return err
	}
	p.render(rq, "admin_units", "单位注册审核", units, nil)
	return nil
}

func (p *Portal) consoleUnitDecide(approve bool) handler {
	return func(rq *request) error {
		_, err := p.db.DecideUnit(rq.ctx(), rq.r.PathValue("code"), approve, rq.r.PostFormValue("reason"))
		return p.again(rq, err, "admin_units", "单位注册审核", func() (any, error) { return p.db.Units(rq.ctx()) },
			"/admin/units", map[bool]string{true: "unit-approved", false: "unit-rejected"}[approve])
	}
}

// usersView is 工作人员: the clerks and reviewers, the points, and a
// temporary password just set, shown once.
type usersView struct {
	Clerks   []data.Clerk
	Points   []data.LiaisonPoint
	Names    map[string]string
	Password string // a temporary password just set, for the administrator to hand over
	For      string
}

func (p *Portal) usersView(rq *request) (*usersView, error) {
	clerks, err := p.db.Clerks(rq.ctx())
	if err != nil {
		return nil, err
	}
	points, err := p.db.LiaisonPoints(rq.ctx())
	if err != nil {
		return nil, err
	}
	v := &usersView{Clerks: clerks, Points: points, Names: map[string]string{}}
	for _, pt := range points {
		v.Names[pt.ID] = pt.Name
	}
	return v, nil
}

func (p *Portal) consoleUsers(rq *request) error {
	v, err := p.usersView(rq)
	if err != nil {
		return err
	}
	p.render(rq, "admin_users", "工作人员", v, nil)
	return nil
}

// consoleUserAdd adds a clerk or reviewer with a temporary password, shown
// once, for the administrator to hand over.
func (p *Portal) consoleUserAdd(rq *request) error {
	c := &data.Clerk{ID: uuid.NewString(), Login: data.NormalizeLogin(trimmed(rq, "login")), Name: trimmed(rq, "name"),
		Role: data.Role(rq.r.PostFormValue("role")), Active: true}
	if c.Role != data.RoleClerk && c.Role != data.RoleBureau {
		return data.Errorf(data.EINVALID, "工作人员只能是联络点经办人或市局审核人员")
	}
	if c.Role == data.RoleClerk {
		c.LiaisonPointID = rq.r.PostFormValue("point")
	}
	return p.withTemporaryPassword(rq, c, "已添加")
}

// withTemporaryPassword gives c a new temporary password, saves c and
// shows the password once.
func (p *Portal) withTemporaryPassword(rq *request, c *data.Clerk, done string) error {
	pw := data.TemporaryPassword()
	hash, err := data.HashPassword(pw)
	if err != nil {
		return err
	}
	c.PasswordHash = hash
	err = p.db.SaveClerk(rq.ctx(), c)
	v, verr := p.usersView(rq)
	if verr != nil {
		return verr
	}
	if err == nil {
		v.Password, v.For = pw, done+" "+c.Name+"（"+c.Login+"）"
	}
	if err != nil && !formError(err) {
		return err
	}
	p.render(rq, "admin_users", "工作人员", v, err)
	return nil
}

func (p *Portal) clerkOf(rq *request) (*data.Clerk, error) {
	return p.db.ClerkByID(rq.ctx(), rq.r.PathValue("id"))
}

// consoleUserActive disables or enables a clerk: a disabled one cannot log
// in at any desk once it has synced.
func (p *Portal) consoleUserActive(rq *request) error {
	c, err := p.clerkOf(rq)
	if err != nil {
		return err
	}
	c.Active = rq.r.PostFormValue("active") == "1"
	if err := p.db.SaveClerk(rq.ctx(), c); err != nil {
		return err
	}
	return redirect(rq, "/admin/users", map[bool]string{true: "user-enabled", false: "user-disabled"}[c.Active])
}

// consoleUserPassword resets a clerk's password to a temporary one.
func (p *Portal) consoleUserPassword(rq *request) error {
	c, err := p.clerkOf(rq)
	if err != nil {
		return err
	}
	return p.withTemporaryPassword(rq, c, "已重置密码：")
}

func (p *Portal) consoleDevices(rq *request) error {
	devs, err := p.db.Devices(rq.ctx())
	if err != nil {
		return err
	}
	names, err := p.pointNames(rq)
	if err != nil {
		return err
	}
	p.render(rq, "admin_devices", "工作站", map[string]any{"Devices": devs, "Points": names}, nil)
	return nil
}

func (p *Portal) consoleDeviceRevoke(rq *request) error {
	reason := trimmed(rq, "reason")
	if reason == "" {
		return data.Errorf(data.EINVALID, "请写明停用的原因（如：电脑失窃、报废），它记入审计")
	}
	if _, err := p.db.RevokeDevice(rq.ctx(), rq.r.PathValue("code"), reason, p.Now()); err != nil {
		return err
	}
	return redirect(rq, "/admin/devices", "device-revoked")
}

// reasonsView is 常用原因 of both steps, retired ones too.
func (p *Portal) consoleReasons(rq *request) error {
	all, err := p.db.AllReasons(rq.ctx())
	if err != nil {
		return err
	}
	p.render(rq, "admin_reasons", "常用原因", all, nil)
	return nil
}

// consoleReasonSave adds a reason (no id) or edits, retires or restores one.
func (p *Portal) consoleReasonSave(rq *request) error {
	r := &data.Reason{Step: data.ReasonStep(rq.r.PostFormValue("step")), Text: trimmed(rq, "text"), Active: rq.r.PostFormValue("active") != "0"}
	if id := rq.r.PostFormValue("id"); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return notFoundErr()
		}
		all, err := p.db.AllReasons(rq.ctx())
		if err != nil {
			return err
		}
		i := slices.IndexFunc(all, func(x data.Reason) bool { return x.ID == n })
		if i < 0 {
			return notFoundErr()
		}
		old := all[i]
		r.ID, r.Step, r.Order = old.ID, old.Step, old.Order
		if r.Text == "" {
			r.Text = old.Text // retire or restore only
		}
	}
	return p.again(rq, p.db.SaveReason(rq.ctx(), r), "admin_reasons", "常用原因", func() (any, error) { return p.db.AllReasons(rq.ctx()) },
		"/admin/reasons", "reason-saved")
}

// smsView is 短信: those given up on, the latest sent, and every message's
// wording.
type smsView struct {
	Failed, Latest []data.SMS
	Templates      []smsTemplate
	Placeholders   []string
}

type smsTemplate struct {
	Key, To, Text string
	Reworded      bool
}

func (p *Portal) consoleSMS(rq *request) error {
	v, err := p.smsView(rq)
	if err != nil {
		return err
	}
	p.render(rq, "admin_sms", "短信", v, nil)
	return nil
}

func (p *Portal) smsView(rq *request) (*smsView, error) {
	v := &smsView{Placeholders: data.Placeholders}
	var err error
	if v.Failed, err = p.db.FailedSMS(rq.ctx(), 100); err != nil {
		return nil, err
	}
	if v.Latest, err = p.db.SMSLog(rq.ctx(), 30); err != nil {
		return nil, err
	}
	own, err := p.db.SMSTemplates(rq.ctx())
	if err != nil {
		return nil, err
	}
	keys := data.MessageKeys()
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range keys {
			if !yield(k) {
				return
			}
		}
	}) {
		t := smsTemplate{Key: k, To: keys[k].To.Label(), Text: keys[k].Template}
		if w, ok := own[k]; ok {
			t.Text, t.Reworded = w, true
		}
		v.Templates = append(v.Templates, t)
	}
	return v, nil
}

func (p *Portal) consoleSMSResend(rq *request) error {
	id, err := strconv.ParseInt(rq.r.PathValue("id"), 10, 64)
	if err != nil {
		return notFoundErr()
	}
	if err := p.db.ResendSMS(rq.ctx(), id); err != nil {
		return err
	}
	return redirect(rq, "/admin/sms", "sms-resent")
}

func (p *Portal) consoleSMSTemplate(rq *request) error {
	err := p.db.SetSMSTemplate(rq.ctx(), rq.r.PostFormValue("key"), strings.TrimSpace(rq.r.PostFormValue("text")), p.Now())
	return p.again(rq, err, "admin_sms", "短信", func() (any, error) { return p.smsView(rq) }, "/admin/sms", "template-saved")
}

// consoleAudit verifies the audit chain, its recorded fields and its signed
// checkpoints, as admin verify-audit does.
func (p *Portal) consoleAudit(rq *request) error {
	keys, err := p.db.BureauKeys(rq.ctx())
	if err != nil {
		return err
	}
	ring := map[string]ed25519.PublicKey{}
	for kid, k := range keys {
		ring[kid] = k
	}
	r, err := p.db.VerifyAudit(rq.ctx(), ring, p.Now())
	if err != nil {
		return err
	}
	cps, err := p.db.Checkpoints(rq.ctx())
	if err != nil {
		return err
	}
	slices.Reverse(cps)
	p.render(rq, "admin_audit", "审计核验", map[string]any{"Report": r, "Checkpoints": cps[:min(len(cps), 50)]}, nil)
	return nil
}

// consoleUserEdit changes a clerk's role and liaison point; every desk
// takes it at its next sync (a clerk moved to another point logs in there).
func (p *Portal) consoleUserEdit(rq *request) error {
	c, err := p.clerkOf(rq)
	if err != nil {
		return err
	}
	c.Role, c.LiaisonPointID = data.Role(rq.r.PostFormValue("role")), ""
	if c.Role != data.RoleClerk && c.Role != data.RoleBureau {
		return data.Errorf(data.EINVALID, "工作人员只能是联络点经办人或市局审核人员")
	}
	if c.Role == data.RoleClerk {
		c.LiaisonPointID = rq.r.PostFormValue("point")
	}
	return p.again(rq, p.db.SaveClerk(rq.ctx(), c), "admin_users", "工作人员", func() (any, error) { return p.usersView(rq) },
		"/admin/users", "user-edited")
}

func (p *Portal) adminPasswordPage(rq *request) error {
	p.render(rq, "password_change", "修改密码", nil, nil)
	return nil
}

// adminPassword changes the logged-in administrator's password, given the
// current one; their other console sessions end.
func (p *Portal) adminPassword(rq *request) error {
	a := *rq.admin
	ok, err := data.CheckPassword(a.PasswordHash, rq.r.PostFormValue("current"))
	if err == nil && !ok {
		err = data.Errorf(data.EINVALID, "当前密码不正确")
	}
	pw := rq.r.PostFormValue("password")
	if err == nil && pw != rq.r.PostFormValue("password2") {
		err = data.Errorf(data.EINVALID, "两次输入的密码不一致")
	}
	if err == nil {
		err = data.CheckNewPassword(pw, a.Login, a.Name)
	}
	if err == nil {
		if a.PasswordHash, err = data.HashPassword(pw); err == nil {
			err = p.db.SaveAdmin(rq.ctx(), &a)
		}
	}
	if err == nil {
		err = p.db.EndOtherAdminSessions(rq.ctx(), a.ID, rq.token)
	}
	return p.again(rq, err, "password_change", "修改密码", func() (any, error) { return nil, nil }, "/admin", "admin-password-changed")
}

// statsView is 统计 in the console: a month's figures per point and step,
// and the applications per point and status as of a day (today's, or a past
// day's from the history), as the bureau desk's 统计 shows them.
type statsView struct {
	Month, Day    string
	Steps, Counts [][]string
}

// consoleStats shows the statistics, or sends them as a workbook
// (?format=xlsx).
func (p *Portal) consoleStats(rq *request) error {
	q := rq.r.URL.Query()
	now := p.Now().In(data.Shanghai)
	month, err := time.ParseInLocation("2006-01", q.Get("month"), data.Shanghai)
	if err != nil {
		month = time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, data.Shanghai)
	}
	day, err := time.ParseInLocation(time.DateOnly, q.Get("day"), data.Shanghai)
	if err != nil {
		day = data.Midnight(now)
	}
	points, err := p.db.LiaisonPoints(rq.ctx())
	if err != nil {
		return err
	}
	history, err := p.db.History(rq.ctx(), month, month.AddDate(0, 1, 0))
	if err != nil {
		return err
	}
	cal, err := p.db.Calendar(rq.ctx())
	if err != nil {
		return err
	}
	// Today's are kept as they change; a past day's come from the history.
	counts, err := p.db.CountsByPoint(rq.ctx())
	if day.Before(data.Midnight(now)) {
		counts, err = p.db.CountsAsOf(rq.ctx(), day.AddDate(0, 0, 1).Add(-time.Nanosecond))
	}
	if err != nil {
		return err
	}
	v := statsView{Month: month.Format("2006-01"), Day: day.Format(time.DateOnly),
		Steps: data.StepRows(points, data.Figures(history, month, month.AddDate(0, 1, 0), cal))}
	head := []string{"人才联络点"}
	for _, st := range data.Statuses {
		head = append(head, st.Label())
	}
	v.Counts = [][]string{head}
	for _, pt := range points {
		row := []string{pt.Name}
		for _, st := range data.Statuses {
			row = append(row, strconv.Itoa(counts[pt.ID][st]))
		}
		v.Counts = append(v.Counts, row)
	}
	if q.Get("format") == "xlsx" {
		rq.w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		rq.w.Header().Set("Content-Disposition", `attachment; filename="tongji-`+v.Month+`.xlsx"`)
		return sheets.Write(rq.w, ".xlsx", sheets.Sheet{Name: v.Month + " 各环节", Rows: v.Steps}, sheets.Sheet{Name: v.Day + " 各状态", Rows: v.Counts})
	}
	p.render(rq, "admin_stats", "统计", v, nil)
	return nil
}

func (p *Portal) consolePoints(rq *request) error {
	points, err := p.db.LiaisonPoints(rq.ctx())
	if err != nil {
		return err
	}
	p.render(rq, "admin_points", "人才联络点", points, nil)
	return nil
}

// consolePointSave adds a point (no id) or changes one: its counter's
// address and phone, which texts and forms give applicants, and whether it
// is open. A closed point takes no new applications; those it holds go on.
func (p *Portal) consolePointSave(rq *request) error {
	pt := &data.LiaisonPoint{ID: rq.r.PostFormValue("id"), Code: data.Normalize(trimmed(rq, "code")), Name: trimmed(rq, "name"),
		Place: trimmed(rq, "place"), Address: trimmed(rq, "address"), Phone: trimmed(rq, "phone"), Active: rq.r.PostFormValue("active") == "1"}
	if pt.ID == "" {
		pt.ID, pt.Active = uuid.NewString(), true
	} else if old, err := p.db.LiaisonPoint(rq.ctx(), pt.ID); err != nil {
		return err
	} else {
		pt.Code = old.Code // its documents' numbers carry it
	}
	return p.again(rq, p.db.SaveLiaisonPoint(rq.ctx(), pt), "admin_points", "人才联络点", func() (any, error) { return p.db.LiaisonPoints(rq.ctx()) },
		"/admin/points", "point-saved")
}

// feesView is 收费与材料: each level's fee and the materials it requires
// before 送审.
type feesView struct {
	Levels []levelView
	Kinds  []string
}

type levelView struct {
	Level    string
	Amount   string
	Required []string
}

func (p *Portal) feesView(rq *request) (*feesView, error) {
	fees, err := p.db.Fees(rq.ctx())
	if err != nil {
		return nil, err
	}
	v := &feesView{Kinds: data.MaterialKinds}
	for _, f := range fees {
		kinds, err := p.db.RequiredMaterials(rq.ctx(), f.Level)
		if err != nil {
			return nil, err
		}
		v.Levels = append(v.Levels, levelView{Level: f.Level, Amount: f.Amount.String(), Required: kinds})
	}
	return v, nil
}

func (p *Portal) consoleFees(rq *request) error {
	v, err := p.feesView(rq)
	if err != nil {
		return err
	}
	p.render(rq, "admin_fees", "收费与材料", v, nil)
	return nil
}

// consoleFeeSave sets a level's fee and required materials.
func (p *Portal) consoleFeeSave(rq *request) error {
	level := rq.r.PostFormValue("level")
	amount, err := data.ParseYuan(trimmed(rq, "amount"))
	if err == nil {
		err = p.db.SaveFee(rq.ctx(), data.Fee{Level: level, Amount: amount})
	}
	if err == nil {
		err = p.db.SetRequiredMaterials(rq.ctx(), level, rq.r.PostForm["kind"])
	}
	return p.again(rq, err, "admin_fees", "收费与材料", func() (any, error) { return p.feesView(rq) }, "/admin/fees", "fee-saved")
}

// calendarView is 工作日历: a year's holidays and working weekend days.
type calendarView struct {
	Year    int
	Days    []data.CalendarDay
	Missing bool
}

func (p *Portal) calendarView(rq *request, year int) (*calendarView, error) {
	cal, err := p.db.Calendar(rq.ctx())
	if err != nil {
		return nil, err
	}
	v := &calendarView{Year: year, Missing: !cal.HasYear(year)}
	prefix := strconv.Itoa(year) + "-"
	for _, d := range cal.Days() {
		if strings.HasPrefix(d.Date, prefix) {
			v.Days = append(v.Days, d)
		}
	}
	slices.SortFunc(v.Days, func(a, b data.CalendarDay) int { return strings.Compare(a.Date, b.Date) })
	return v, nil
}

func (p *Portal) consoleCalendar(rq *request) error {
	year, err := strconv.Atoi(rq.r.URL.Query().Get("year"))
	if err != nil {
		year = p.Now().In(data.Shanghai).Year()
	}
	v, err := p.calendarView(rq, year)
	if err != nil {
		return err
	}
	p.render(rq, "admin_calendar", "工作日历", v, nil)
	return nil
}

// consoleCalendarImport takes the year's arrangement as the State
// Council's notice gives it, pasted as lines of CSV (admin
// calendar-import reads the same).
func (p *Portal) consoleCalendarImport(rq *request) error {
	days, err := data.ParseCalendarCSV(strings.NewReader(rq.r.PostFormValue("csv")))
	if err == nil && len(days) == 0 {
		err = data.Errorf(data.EINVALID, "请粘贴放假安排，每行“日期,0或1,名称”")
	}
	if err == nil {
		err = p.db.SaveCalendarDays(rq.ctx(), days)
	}
	year := p.Now().In(data.Shanghai).Year()
	if len(days) > 0 && len(days[0].Date) >= 4 {
		if y, yerr := strconv.Atoi(days[0].Date[:4]); yerr == nil {
			year = y
		}
	}
	return p.again(rq, err, "admin_calendar", "工作日历", func() (any, error) { return p.calendarView(rq, year) },
		"/admin/calendar?year="+strconv.Itoa(year), "calendar-saved")
}

// backupFile is one backup in the console's list.
type backupFile struct {
	Name string
	Size int64
	At   time.Time
}

// consoleBackups lists the backups written beside the database, newest
// first.
func (p *Portal) consoleBackups(rq *request) error {
	var files []backupFile
	if p.BackupDir != "" {
		entries, _ := os.ReadDir(p.BackupDir) // none yet: an empty list
		for _, e := range entries {
			if info, err := e.Info(); err == nil && !e.IsDir() {
				files = append(files, backupFile{e.Name(), info.Size(), info.ModTime()})
			}
		}
	}
	slices.SortFunc(files, func(a, b backupFile) int { return b.At.Compare(a.At) })
	p.render(rq, "admin_backups", "备份", map[string]any{"Files": files, "Dir": p.BackupDir, "Can": p.Backup != nil}, nil)
	return nil
}

// consoleBackupNow writes a backup now (audited by its checkpoint).
func (p *Portal) consoleBackupNow(rq *request) error {
	if p.Backup == nil {
		return data.Errorf(data.EINTERNAL, "本服务器未配置备份")
	}
	if _, err := p.Backup(rq.ctx()); err != nil {
		return err
	}
	return redirect(rq, "/admin/backups", "backup-written")
}
