package portal

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/google/uuid"

	"titledesk/data"
)

// Step 1 of the guide (注册账号): units register and wait for the bureau;
// applicants register under an approved unit; both log in here.

func (p *Portal) home(rq *request) error {
	switch {
	case rq.account == nil:
		return p.loginPage(rq)
	case rq.account.Role == data.RoleUnit:
		return redirect(rq, "/unit/applications", "")
	}
	return redirect(rq, "/applications", "")
}

// loginForm keeps what was typed when the page is shown again.
type loginForm struct {
	Login, Next string
}

func (p *Portal) loginPage(rq *request) error {
	p.render(rq, "login", "登录", loginForm{Next: rq.r.URL.Query().Get("next")}, nil)
	return nil
}

func (p *Portal) login(rq *request) error {
	f := loginForm{Login: trimmed(rq, "login"), Next: rq.r.PostFormValue("next")}
	a, err := p.authenticate(rq, f.Login, rq.r.PostFormValue("password"))
	if err != nil {
		if data.ErrorCode(err) == data.EINTERNAL {
			return err
		}
		p.render(rq, "login", "登录", f, err)
		return nil
	}
	if err := p.startSession(rq, a); err != nil {
		return err
	}
	// Only a local path: an open redirect would send people elsewhere.
	return redirect(rq, localPath(f.Next), "")
}

func (p *Portal) logout(rq *request) error {
	if err := p.db.DeleteSession(rq.ctx(), rq.token); err != nil {
		return err
	}
	setCookie(rq.w, newToken(), 0)
	return redirect(rq, "/login", "")
}

// unitForm is the unit registration, also shown to correct a refused one.
type unitForm struct {
	Unit  data.Unit
	Login string
}

func (p *Portal) registerUnitPage(rq *request) error {
	p.render(rq, "register_unit", "企业（单位）注册", unitForm{}, nil)
	return nil
}

func (p *Portal) registerUnit(rq *request) error {
	f := unitForm{Login: trimmed(rq, "login"), Unit: data.Unit{ID: uuid.NewString(), Name: trimmed(rq, "name"),
		CreditCode: trimmed(rq, "credit_code"), ContactName: trimmed(rq, "contact_name"),
		ContactMobile: data.Normalize(rq.r.PostFormValue("contact_mobile")), CreatedAt: p.Now()}}
	a := &data.Account{ID: uuid.NewString(), Login: f.Login, Name: f.Unit.ContactName, Mobile: f.Unit.ContactMobile, CreatedAt: p.Now()}
	err := p.registering(rq)
	if err == nil {
		err = newPassword(rq, a)
	}
	if err == nil {
		err = p.db.RegisterUnit(rq.ctx(), &f.Unit, a)
	}
	if formError(err) {
		p.render(rq, "register_unit", "企业（单位）注册", f, err)
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(rq, "/login", "registered-unit")
}

// newPassword hashes the password typed twice.
func newPassword(rq *request, a *data.Account) error {
	pw := rq.r.PostFormValue("password")
	if pw != rq.r.PostFormValue("password2") {
		return data.Errorf(data.EINVALID, "两次输入的密码不一致")
	}
	if err := data.CheckNewPassword(pw, a.Login, a.Name, a.Mobile, a.Profile.IDNumber); err != nil {
		return err
	}
	hash, err := data.HashPassword(pw)
	a.PasswordHash = hash
	return err
}

// applicantForm is the applicant registration.
type applicantForm struct {
	Account        data.Account
	UnitCreditCode string
}

func (p *Portal) registerApplicantPage(rq *request) error {
	p.render(rq, "register_applicant", "个人注册", applicantForm{}, nil)
	return nil
}

func (p *Portal) registerApplicant(rq *request) error {
	f := applicantForm{UnitCreditCode: trimmed(rq, "unit_credit_code"), Account: data.Account{
		ID: uuid.NewString(), Login: trimmed(rq, "login"), Name: trimmed(rq, "name"),
		Mobile: data.Normalize(rq.r.PostFormValue("mobile")), CreatedAt: p.Now(),
		Profile: data.Profile{IDNumber: trimmed(rq, "id_number")},
	}}
	err := p.registering(rq)
	if err == nil {
		err = newPassword(rq, &f.Account)
	}
	if err == nil {
		err = p.db.RegisterApplicant(rq.ctx(), &f.Account, f.UnitCreditCode)
	}
	if formError(err) {
		p.render(rq, "register_applicant", "个人注册", f, err)
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(rq, "/login", "registered")
}

// profileView is 人才信息管理.
type profileView struct {
	Account    data.Account
	Educations []string
}

func (p *Portal) profilePage(rq *request) error {
	p.render(rq, "profile", "人才信息管理", profileView{Account: *rq.account, Educations: data.Educations}, nil)
	return nil
}

func (p *Portal) saveProfile(rq *request) error {
	a := *rq.account
	a.Name, a.Mobile = trimmed(rq, "name"), data.Normalize(rq.r.PostFormValue("mobile"))
	a.Profile.IDNumber, a.Profile.Education, a.Profile.Major = trimmed(rq, "id_number"), trimmed(rq, "education"), trimmed(rq, "major")
	years, err := strconv.Atoi(trimmed(rq, "working_years"))
	if err != nil {
		err = data.Errorf(data.EINVALID, "请用数字填写从事专业技术工作年限")
	} else {
		a.Profile.WorkingYears = years
		err = p.db.SaveProfile(rq.ctx(), &a)
	}
	if formError(err) {
		p.render(rq, "profile", "人才信息管理", profileView{Account: a, Educations: data.Educations}, err)
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(rq, "/profile", "profile")
}

// unitRegistrationPage shows a unit whose registration is pending or was
// refused where it stands, and lets a refused one correct its details.
func (p *Portal) unitRegistrationPage(rq *request) error {
	p.render(rq, "unit_registration", "单位注册审核", unitForm{Unit: *rq.unit, Login: rq.account.Login}, nil)
	return nil
}

func (p *Portal) resubmitUnit(rq *request) error {
	u := *rq.unit
	if u.Approved {
		return redirect(rq, "/unit/applications", "")
	}
	u.Name, u.ContactName = trimmed(rq, "name"), trimmed(rq, "contact_name")
	u.ContactMobile, u.RejectReason = data.Normalize(rq.r.PostFormValue("contact_mobile")), ""
	if err := p.db.SaveUnit(rq.ctx(), &u); formError(err) {
		p.render(rq, "unit_registration", "单位注册审核", unitForm{Unit: u, Login: rq.account.Login}, err)
		return nil
	} else if err != nil {
		return err
	}
	return redirect(rq, "/unit/registration", "resubmitted")
}

// notFoundErr is what someone gets for an application he may not see: the
// same as for one that does not exist, so IDs reveal nothing.
func notFoundErr() error {
	return data.Errorf(data.ENOTFOUND, "找不到该申请，或您无权查看。")
}

// localPath is next when it is a path on this site, "/" otherwise. Browsers
// drop tabs and line breaks from a URL and read a backslash as a slash, so
// "/\t/evil.example/" would leave the site: any control character, space or
// backslash, a scheme or a host refuses it.
func localPath(next string) string {
	u, err := url.Parse(next)
	switch {
	case err != nil, !strings.HasPrefix(next, "/"), strings.HasPrefix(next, "//"),
		strings.ContainsFunc(next, func(r rune) bool { return r <= ' ' || r == '\\' || r == 0x7f }),
		u.Scheme != "", u.Host != "", u.User != nil:
		return "/"
	}
	return next
}
