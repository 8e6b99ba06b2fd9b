package portal

import (
	"net/url"
	"time"

	"titledesk/data"
)

// 找回密码 and 修改密码 of portal accounts: a reset is a code texted to the
// registered mobile; a change needs the current password. Either ends the
// account's other sessions.

// resetRule bounds the codes asked for from one address (each is an SMS);
// codeRule the codes tried from one address.
var (
	resetRule = data.Lockout{Max: 10, Window: time.Hour, Lock: time.Hour}
	codeRule  = data.Lockout{Max: 30, Window: time.Hour, Lock: time.Hour}
)

type resetForm struct {
	Login, Mobile string
	Sent          bool
}

func (p *Portal) forgotPage(rq *request) error {
	p.render(rq, "password_forgot", "找回密码", resetForm{}, nil)
	return nil
}

// forgot texts a code when login and mobile match an account, and says the
// same either way.
func (p *Portal) forgot(rq *request) error {
	f := resetForm{Login: trimmed(rq, "login"), Mobile: trimmed(rq, "mobile")}
	rule := resetRule
	rule.Key = "reset:" + clientIP(rq.r)
	now := p.Now()
	until, err := p.db.LoginLockedUntil(rq.ctx(), now, rule.Key)
	if err == nil && !until.IsZero() {
		err = data.Errorf(data.EFORBIDDEN, "获取验证码的次数过多，请于 %s 后再试。", until.In(data.Shanghai).Format("15:04"))
	}
	if err == nil {
		if _, err = p.db.LoginFailed(rq.ctx(), now, rule); err == nil {
			err = p.db.RequestPasswordReset(rq.ctx(), f.Login, f.Mobile, now)
		}
	}
	if formError(err) || data.ErrorCode(err) == data.EFORBIDDEN {
		p.render(rq, "password_forgot", "找回密码", f, err)
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(rq, "/password/reset?login="+url.QueryEscape(f.Login), "code-sent")
}

func (p *Portal) resetPage(rq *request) error {
	p.render(rq, "password_reset", "重置密码", resetForm{Login: rq.r.URL.Query().Get("login")}, nil)
	return nil
}

// reset sets the new password with the texted code.
func (p *Portal) reset(rq *request) error {
	f := resetForm{Login: trimmed(rq, "login")}
	rule := codeRule
	rule.Key = "code:" + clientIP(rq.r)
	now := p.Now()
	until, err := p.db.LoginLockedUntil(rq.ctx(), now, rule.Key)
	if err == nil && !until.IsZero() {
		err = data.Errorf(data.EFORBIDDEN, "尝试次数过多，请于 %s 后再试。", until.In(data.Shanghai).Format("15:04"))
	}
	if err == nil {
		if _, err = p.db.LoginFailed(rq.ctx(), now, rule); err == nil {
			err = p.db.ResetPassword(rq.ctx(), f.Login, trimmed(rq, "code"), func(a *data.Account) (string, error) {
				if err := newPassword(rq, a); err != nil {
					return "", err
				}
				return a.PasswordHash, nil
			}, now)
		}
	}
	if data.ErrorCode(err) == data.EFORBIDDEN {
		p.render(rq, "password_reset", "重置密码", f, err)
		return nil
	}
	if formError(err) {
		p.render(rq, "password_reset", "重置密码", f, err)
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(rq, "/login", "password-reset")
}

func (p *Portal) passwordPage(rq *request) error {
	p.render(rq, "password_change", "修改密码", nil, nil)
	return nil
}

// changePassword needs the current password; the other sessions end and
// this one starts anew.
func (p *Portal) changePassword(rq *request) error {
	a := *rq.account
	ok, err := data.CheckPassword(a.PasswordHash, rq.r.PostFormValue("current"))
	if err == nil && !ok {
		err = data.Errorf(data.EINVALID, "当前密码不正确")
	}
	if err == nil {
		err = newPassword(rq, &a)
	}
	if err == nil {
		err = p.db.ChangePassword(rq.ctx(), a.ID, a.PasswordHash)
	}
	if formError(err) {
		p.render(rq, "password_change", "修改密码", nil, err)
		return nil
	}
	if err != nil {
		return err
	}
	if err := p.startSession(rq, &a); err != nil {
		return err
	}
	return redirect(rq, "/password", "password-changed")
}
