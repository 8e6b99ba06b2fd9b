// Package portal is the bureau server's web pages for applicants and units
// (steps 1–3 of the bureau's guide): registration, the application with its
// scans, 送审, the unit's review with the publicity period, and the sealed
// 申报表 after the bureau's review. Pages are rendered on the server with
// html/template and plain CSS; there is no JavaScript.
package portal

import (
	"context"
	"crypto/ed25519"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/data/sqlite"
	tdsync "titledesk/sync"
)

//go:embed templates/*.html static/*
var files embed.FS

// Portal serves the pages. Build it with New.
type Portal struct {
	db     *sqlite.Store
	blobs  blobstore.Dir
	log    *slog.Logger
	secret []byte // keys the CSRF tokens
	pages  map[string]*template.Template
	// dummyHash is checked against when a login name does not exist, so the
	// answer takes as long as for a wrong password and reveals nothing.
	dummyHash string
	// Now is the clock; tests move it.
	Now func() time.Time
	// SealKey is the bureau's key, which seals the certificates applicants
	// download; without it they cannot be downloaded.
	SealKey ed25519.PrivateKey
	// Backup writes a backup of the database (the console's 立即备份) and
	// says where; BackupDir is where they are listed from. Nil: none.
	Backup    func(ctx context.Context) (string, error)
	BackupDir string
	// PublicURL is the address the public reaches the portal at (behind a
	// proxy, the proxy's), which a certificate's QR code opens; empty, the
	// address the applicant downloaded it from.
	PublicURL string
}

// New loads the portal's secret from the database (creating it at first
// use) and parses the templates.
func New(ctx context.Context, db *sqlite.Store, blobs blobstore.Dir, log *slog.Logger) (*Portal, error) {
	secret, err := db.PortalSecret(ctx)
	if err != nil {
		return nil, err
	}
	dummy, err := data.HashPassword("no such account")
	if err != nil {
		return nil, err
	}
	p := &Portal{db: db, blobs: blobs, log: log, secret: secret, dummyHash: dummy, pages: map[string]*template.Template{}, Now: time.Now}
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	for _, name := range names {
		if name == "templates/layout.html" || name == "templates/parts.html" {
			continue
		}
		t, err := template.New("layout.html").Funcs(funcs).ParseFS(files, "templates/layout.html", "templates/parts.html", name)
		if err != nil {
			return nil, err
		}
		p.pages[strings.TrimSuffix(strings.TrimPrefix(name, "templates/"), ".html")] = t
	}
	return p, nil
}

// Register adds the portal's routes to mux. Everything but the sync API
// (/api/v1/) is the portal's.
func (p *Portal) Register(mux *http.ServeMux) {
	static, _ := fs.Sub(files, "static")
	mux.Handle("GET /static/", http.StripPrefix("/static/", http.FileServerFS(static)))

	anyone, applicant, unit := data.Role(""), data.RoleApplicant, data.RoleUnit
	for _, r := range []struct {
		pattern string
		role    data.Role
		h       handler
	}{
		{"GET /{$}", anyone, p.home},
		{"GET /login", anyone, p.loginPage},
		{"POST /login", anyone, p.login},
		{"POST /logout", anyone, p.logout},
		{"GET /register/unit", anyone, p.registerUnitPage},
		{"POST /register/unit", anyone, p.registerUnit},
		{"GET /register/applicant", anyone, p.registerApplicantPage},
		{"POST /register/applicant", anyone, p.registerApplicant},
		{"GET /scans/{id}/{attachment}", anyone, p.scan},
		{"GET /certificate", anyone, p.certificatePage},
		{"GET /password/forgot", anyone, p.forgotPage},
		{"POST /password/forgot", anyone, p.forgot},
		{"GET /password/reset", anyone, p.resetPage},
		{"POST /password/reset", anyone, p.reset},
		{"GET /V/{payload}", anyone, p.verifyCode},

		{"GET /messages", applicant, p.messages},
		{"GET /password", applicant, p.passwordPage},
		{"POST /password", applicant, p.changePassword},
		{"GET /unit/password", unit, p.passwordPage},
		{"POST /unit/password", unit, p.changePassword},
		{"GET /unit/messages", unit, p.messages},
		{"GET /profile", applicant, p.profilePage},
		{"POST /profile", applicant, p.saveProfile},
		{"GET /applications", applicant, p.applications},
		{"GET /applications/new", applicant, p.newApplicationPage},
		{"POST /applications/new", applicant, p.newApplication},
		{"GET /applications/{id}", applicant, p.application},
		{"GET /applications/{id}/edit", applicant, p.editApplicationPage},
		{"POST /applications/{id}/edit", applicant, p.editApplication},
		{"POST /applications/{id}/materials", applicant, p.upload},
		{"POST /applications/{id}/materials/{attachment}/delete", applicant, p.deleteMaterial},
		{"POST /applications/{id}/submit", applicant, p.submit},
		{"POST /applications/{id}/withdraw", applicant, p.withdraw},
		{"GET /applications/{id}/form.pdf", applicant, p.formPDF},
		{"GET /applications/{id}/certificate.pdf", applicant, p.certificatePDF},

		{"GET /unit/registration", unit, p.unitRegistrationPage},
		{"POST /unit/registration", unit, p.resubmitUnit},
		{"GET /unit/applications", unit, p.unitApplications},
		{"GET /unit/applications/{id}", unit, p.unitApplication},
		{"POST /unit/applications/{id}/approve", unit, p.unitApprove},
		{"POST /unit/applications/{id}/reject", unit, p.unitReject},
	} {
		mux.Handle(r.pattern, p.wrap(r.role, r.h))
	}
	p.registerConsole(mux)
}

// handler serves one page for a request whose session, CSRF token and role
// have been checked.
type handler func(rq *request) error

// request is one request with its visitor.
type request struct {
	w       http.ResponseWriter
	r       *http.Request
	token   string        // the session cookie's value
	account *data.Account // nil when not logged in
	unit    *data.Unit    // the account's unit
	admin   *data.Admin   // the console's administrator, logged in
}

func (rq *request) ctx() context.Context { return rq.r.Context() }

// wrap adds what every page needs: security headers, the session, the
// CSRF check on every POST, the role check, and error pages.
func (p *Portal) wrap(role data.Role, h handler) http.Handler {
	return p.guard(func(rq *request) error { return p.serve(rq, role, h) })
}

// guard adds what every page of the portal and the console needs around
// serve: security headers, the refusal of cross-site POSTs, error pages.
func (p *Portal) guard(serve func(*request) error) http.Handler {
	// Browsers tell where a request comes from; a cross-site POST is refused
	// before any token is looked at.
	cross := http.NewCrossOriginProtection()
	cross.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.errorPage(&request{w: w, r: r}, data.Errorf(data.EFORBIDDEN, "请求来自其他网站，已拒绝。"))
	}))
	return cross.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "same-origin")
		hd.Set("Cache-Control", "no-store")
		rq := &request{w: w, r: r}
		if err := serve(rq); err != nil {
			p.errorPage(rq, err)
		}
	}))
}

// serve checks the session, the CSRF token and the role, then runs h.
func (p *Portal) serve(rq *request, role data.Role, h handler) error {
	if err := p.loadSession(rq); err != nil {
		return err
	}
	if rq.r.Method == http.MethodPost {
		if err := p.checkCSRF(rq); err != nil {
			return err
		}
	}
	switch {
	case role == "":
	case rq.account == nil && rq.r.Method == http.MethodGet:
		http.Redirect(rq.w, rq.r, "/login?next="+url.QueryEscape(rq.r.URL.Path), http.StatusSeeOther)
		return nil
	case rq.account == nil:
		return data.Errorf(data.EUNAUTHORIZED, "登录已过期，请重新登录后再操作。")
	case rq.account.Role != role:
		return data.Errorf(data.EFORBIDDEN, "%s账号不能使用此功能。", rq.account.Role.Label())
	case role == data.RoleUnit && !rq.unit.Approved && !strings.HasPrefix(rq.r.URL.Path, "/unit/registration"):
		http.Redirect(rq.w, rq.r, "/unit/registration", http.StatusSeeOther)
		return nil
	}
	return h(rq)
}

// errorPage shows an error that no form can show beside its field.
func (p *Portal) errorPage(rq *request, err error) {
	status := tdsync.HTTPStatus(err)
	if status == http.StatusInternalServerError {
		p.log.Error("portal", "path", rq.r.URL.Path, "err", err)
	}
	p.page(rq, status, "error", "出错了", map[string]any{"Message": data.ErrorMessage(err)}, "")
}

// view is what the layout reads; Data is the page's own.
type view struct {
	Title   string
	Admin   *data.Admin
	Account *data.Account
	Unit    *data.Unit
	CSRF    string
	Notice  string
	Error   string
	Data    any
}

// notices are the messages a redirect after a successful POST may show;
// the query names one, so no text travels in the URL.
var notices = map[string]string{
	"registered-unit":        "单位注册已提交，请等待市人力资源局审核；审核通过后申报人即可在本单位下注册个人账号。",
	"registered":             "注册成功，请登录。",
	"profile":                "个人信息已保存。",
	"created":                "已创建申报，请上传申报材料后送审。",
	"saved":                  "已保存。",
	"uploaded":               "材料已上传。",
	"deleted":                "材料已删除。",
	"submitted":              "已送审，请等待单位审核。",
	"withdrawn":              "申请已撤回。",
	"approved":               "已审核通过，申请已转到所选人才联络点初审。",
	"rejected":               "已审核不通过，申报人可修改后重新送审。",
	"resubmitted":            "单位信息已重新提交审核。",
	"unit-approved":          "已审核通过：该单位的申报人现在可以注册个人账号。",
	"unit-rejected":          "已驳回：单位登录后可看到原因，修改后重新提交。",
	"user-enabled":           "已启用：工作站同步后即可登录。",
	"user-disabled":          "已停用：工作站下次同步后，此人不能再登录。",
	"device-revoked":         "工作站已停用：它的每次同步都将被拒绝，之后的签章不予认可。",
	"reason-saved":           "常用原因已保存，工作站同步后使用。",
	"sms-resent":             "短信将重新发送。",
	"template-saved":         "短信内容已保存：站内消息和短信网关此后按新内容发送；阿里云、腾讯云短信按其登记的模板发送，请同时在服务商处登记新模板。",
	"point-saved":            "人才联络点已保存，工作站和申报页同步后生效。",
	"fee-saved":              "收费标准和必需材料已保存。",
	"admin-password-changed": "密码已修改，下次登录请用新密码。",
	"user-edited":            "已保存：工作站同步后生效。",
	"backup-written":         "备份已写好，请复制到另一台机器或介质保存。",
	"calendar-saved":         "工作日历已导入，期限按新的放假安排计算。",
	"code-sent":              "如用户名和手机号与注册信息相符，验证码已发送到该手机，10 分钟内有效。",
	"password-reset":         "密码已重置，请用新密码登录。",
	"password-changed":       "密码已修改；在其他地方的登录已退出。",
}

// render writes a page; formErr, when set, is shown above the form.
func (p *Portal) render(rq *request, page, title string, d any, formErr error) {
	if formErr == nil {
		p.page(rq, http.StatusOK, page, title, d, "")
		return
	}
	if data.ErrorCode(formErr) == data.EINTERNAL {
		p.log.Error("portal", "path", rq.r.URL.Path, "err", formErr)
	}
	p.page(rq, http.StatusUnprocessableEntity, page, title, d, data.ErrorMessage(formErr))
}

// page writes a page with its status; the content type goes first, as
// headers set after WriteHeader are dropped.
func (p *Portal) page(rq *request, status int, page, title string, d any, errText string) {
	v := view{Title: title, Admin: rq.admin, Account: rq.account, Unit: rq.unit, CSRF: p.csrfToken(rq.token), Data: d,
		Notice: notices[rq.r.URL.Query().Get("ok")], Error: errText}
	rq.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	rq.w.WriteHeader(status)
	if err := p.pages[page].Execute(rq.w, v); err != nil {
		p.log.Error("portal render", "page", page, "err", err)
	}
}

// redirect ends a successful POST: the browser loads the page again with
// GET, so a reload never repeats the action.
func redirect(rq *request, path, notice string) error {
	if notice != "" {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		path += sep + "ok=" + notice
	}
	http.Redirect(rq.w, rq.r, path, http.StatusSeeOther)
	return nil
}

// formError is a mistake to show beside the form instead of an error page.
func formError(err error) bool {
	switch data.ErrorCode(err) {
	case data.EINVALID, data.ECONFLICT:
		return true
	}
	return false
}

var funcs = template.FuncMap{
	"passwordRule": func() string { return data.PasswordRule },
	"date": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(data.Shanghai).Format("2006-01-02")
	},
	"datetime": func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.In(data.Shanghai).Format("2006-01-02 15:04")
	},
	"mask":     data.MaskIDNumber,
	"join":     strings.Join,
	"contains": slices.Contains[[]string],
}
