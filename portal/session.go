package portal

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"mime"
	"net"
	"net/http"
	"strings"
	"time"

	"titledesk/data"
	"titledesk/data/blobstore"
	tdsync "titledesk/sync"
)

// cookieName's __Host- prefix makes browsers keep the cookie only when it
// is Secure, host-only and for the whole site.
const cookieName = "__Host-titledesk"

// sessionTTL is how long a login lasts.
const sessionTTL = 8 * time.Hour

// Login lockout: a login name is guessed at slowly; an address trying many
// names is slowed too, but backs off (a minute, then two, four … half an
// hour) rather than lock a whole office behind one address for half an
// hour at once; a login that succeeds from it steps the back-off down.
var (
	loginRule = data.Lockout{Max: 5, Window: 15 * time.Minute, Lock: 15 * time.Minute}
	ipRule    = data.Lockout{Max: 20, Window: 15 * time.Minute, Lock: time.Minute, MaxLock: 30 * time.Minute}
	// registerRule bounds registrations per address: each costs an argon2
	// hash and a row, so a script could otherwise tie the server up.
	registerRule = data.Lockout{Max: 10, Window: time.Hour, Lock: time.Hour}
	// uploadRule bounds the scans an account uploads: each is decoded whole
	// and kept, so a script could otherwise fill the disk.
	uploadRule = data.Lockout{Max: 60, Window: time.Hour, Lock: time.Hour}
)

// maxUpload bounds a request body: one scan plus the form around it.
const maxUpload = blobstore.MaxImageBytes + 64<<10

func newToken() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand panics rather than return short)
	return base64.RawURLEncoding.EncodeToString(b)
}

// setCookie gives the browser a session token; maxAge 0 makes it last until
// the browser closes.
func setCookie(w http.ResponseWriter, token string, maxAge time.Duration) {
	http.SetCookie(w, &http.Cookie{Name: cookieName, Value: token, Path: "/", MaxAge: int(maxAge.Seconds()),
		Secure: true, HttpOnly: true, SameSite: http.SameSiteLaxMode})
}

// loadSession reads the cookie and the account it is logged in as. Every
// visitor has a token, logged in or not, because the CSRF tokens of the
// login and registration forms are bound to it too.
func (p *Portal) loadSession(rq *request) error {
	c, err := rq.r.Cookie(cookieName)
	if err != nil || len(c.Value) != 43 {
		rq.token = newToken()
		setCookie(rq.w, rq.token, 0)
		return nil
	}
	rq.token = c.Value
	a, err := p.db.SessionAccount(rq.ctx(), rq.token, p.Now())
	switch {
	case data.ErrorCode(err) == data.EUNAUTHORIZED:
		return nil
	case err != nil:
		return err
	}
	rq.account = a
	// The account ID, not the login: people pick their identity number as login.
	tdsync.NoteWho(rq.ctx(), "", string(a.Role)+":"+a.ID)
	if a.Role == data.RoleUnit {
		if rq.unit, err = p.db.Unit(rq.ctx(), a.UnitID); err != nil {
			return err
		}
	}
	return nil
}

// csrfToken is the hidden field of every form: a MAC of the session token,
// which another site can neither read nor compute.
func (p *Portal) csrfToken(token string) string {
	m := hmac.New(sha256.New, p.secret)
	m.Write([]byte("csrf\x00" + token))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// checkCSRF parses the form (multipart ones within the upload limit) and
// compares its token.
func (p *Portal) checkCSRF(rq *request) error {
	rq.r.Body = http.MaxBytesReader(rq.w, rq.r.Body, maxUpload)
	var err error
	if ct, _, _ := mime.ParseMediaType(rq.r.Header.Get("Content-Type")); ct == "multipart/form-data" {
		err = rq.r.ParseMultipartForm(1 << 20)
	} else {
		err = rq.r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return data.Errorf(data.EINVALID, "上传的文件超过 %d MB，请压缩后再上传。", blobstore.MaxImageBytes>>20)
	case err != nil:
		return data.Errorf(data.EINVALID, "提交的表单无法读取，请返回重试。")
	}
	got := rq.r.PostFormValue("csrf")
	if !hmac.Equal([]byte(got), []byte(p.csrfToken(rq.token))) {
		return data.Errorf(data.EFORBIDDEN, "页面已过期或来源无法确认（安全校验未通过），请返回刷新页面后重试。")
	}
	return nil
}

// startSession logs the account in under a new token, so a token planted
// before the login is worth nothing after it.
func (p *Portal) startSession(rq *request, a *data.Account) error {
	token := newToken()
	now := p.Now()
	if err := p.db.CreateSession(rq.ctx(), token, a.ID, now, now.Add(sessionTTL)); err != nil {
		return err
	}
	setCookie(rq.w, token, sessionTTL)
	return nil
}

// clientIP is the peer's address. A proxy in front would need its
// X-Forwarded-For trusted explicitly; the server listens directly.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// authenticate checks a login under the lockout rules.
func (p *Portal) authenticate(rq *request, login, password string) (*data.Account, error) {
	now := p.Now()
	byLogin, byIP := loginRule, ipRule
	byLogin.Key, byIP.Key = "login:"+data.NormalizeLogin(login), "ip:"+clientIP(rq.r)
	locked := func(until time.Time) error {
		return data.Errorf(data.EFORBIDDEN, "登录失败次数过多，已暂时锁定，请于 %s 后再试。", until.In(data.Shanghai).Format("15:04"))
	}
	until, err := p.db.LoginLockedUntil(rq.ctx(), now, byLogin.Key, byIP.Key)
	if err != nil {
		return nil, err
	}
	if !until.IsZero() {
		return nil, locked(until)
	}
	a, err := p.db.AccountByLogin(rq.ctx(), login)
	if err != nil {
		if data.ErrorCode(err) != data.ENOTFOUND {
			return nil, err
		}
		a = nil
	}
	hash := p.dummyHash
	if a != nil {
		hash = a.PasswordHash
	}
	ok, err := data.CheckPassword(hash, password)
	if err != nil {
		return nil, err // busy: not counted as a wrong password
	}
	if ok && a != nil {
		return a, p.db.LoginSucceeded(rq.ctx(), byLogin.Key, byIP.Key)
	}
	if until, err = p.db.LoginFailed(rq.ctx(), now, byLogin, byIP); err != nil {
		return nil, err
	}
	if !until.IsZero() {
		return nil, locked(until)
	}
	return nil, data.Errorf(data.EINVALID, "用户名或密码错误。连续输错 %d 次将锁定 %d 分钟。", loginRule.Max, int(loginRule.Lock.Minutes()))
}

// registering counts one registration attempt from the visitor's address
// and refuses it once the address has made too many.
func (p *Portal) registering(rq *request) error {
	return p.counted(rq, registerRule, "register:"+clientIP(rq.r), "本机注册次数过多，请于 %s 后再试，或致电业务咨询 22836690。")
}

// uploading counts one upload of the visitor's account and refuses it once
// the account has made too many this hour.
func (p *Portal) uploading(rq *request) error {
	return p.counted(rq, uploadRule, "upload:"+rq.account.ID, "本账号一小时内上传的文件过多，请于 %s 后再试。")
}

// counted counts one attempt under rule and key and refuses it, saying
// until when (message's %s), once there have been too many.
func (p *Portal) counted(rq *request, rule data.Lockout, key, message string) error {
	rule.Key = key
	now := p.Now()
	until, err := p.db.LoginLockedUntil(rq.ctx(), now, rule.Key)
	if err == nil && until.IsZero() {
		_, err = p.db.LoginFailed(rq.ctx(), now, rule)
	}
	if err != nil {
		return err
	}
	if !until.IsZero() {
		return data.Errorf(data.EFORBIDDEN, message, until.In(data.Shanghai).Format("15:04"))
	}
	return nil
}

// trimmed reads a form field without surrounding spaces.
func trimmed(rq *request, name string) string { return strings.TrimSpace(rq.r.PostFormValue(name)) }
