package data

import (
	"strings"
	"time"
	"unicode/utf8"
)

// Account is a portal login: an applicant (申报人) or the user of a unit
// (用人单位). Applicants keep their personal information (人才信息管理) in
// Profile; an application copies it whenever the applicant saves it.
type Account struct {
	ID           string
	Login        string // lower-case
	Role         Role   // RoleApplicant or RoleUnit
	UnitID       string
	Name         string // the applicant, or the unit's contact
	Mobile       string
	PasswordHash string
	Profile      Profile
	CreatedAt    time.Time
}

// Profile is an applicant's personal information.
type Profile struct {
	IDNumber     string
	Education    string // 学历
	Major        string // 所学专业
	WorkingYears int    // 从事专业技术工作年限
}

// Educations are the choices of 学历 on the portal.
var Educations = []string{"博士研究生", "硕士研究生", "大学本科", "大学专科", "中专", "高中及以下"}

// NormalizeLogin is how a login name is stored and looked up.
func NormalizeLogin(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Validate checks an account as registered or saved.
func (a *Account) Validate() error {
	if n := len(a.Login); n < 4 || n > 32 || strings.Trim(a.Login, "abcdefghijklmnopqrstuvwxyz0123456789_.-@") != "" {
		return Errorf(EINVALID, "用户名须为 4–32 位英文字母、数字或 _ . - @")
	}
	if a.Role != RoleApplicant && a.Role != RoleUnit {
		return Errorf(EINVALID, "账号类型只能是个人或企业（单位）")
	}
	if n := utf8.RuneCountInString(a.Name); n == 0 || n > 40 {
		return Errorf(EINVALID, "请填写姓名（不超过 40 个字）")
	}
	if err := CheckText("姓名", a.Name, NameLength); err != nil {
		return err
	}
	if err := ValidateMobile(a.Mobile); err != nil {
		return err
	}
	if a.Role == RoleUnit {
		return nil
	}
	for _, t := range []struct{ label, value string }{{"学历", a.Profile.Education}, {"所学专业", a.Profile.Major}} {
		if err := CheckText(t.label, t.value, FieldLength); err != nil {
			return err
		}
	}
	if err := ValidateIDNumber(a.Profile.IDNumber); err != nil {
		return err
	}
	if a.Profile.WorkingYears < 0 || a.Profile.WorkingYears > 60 {
		return Errorf(EINVALID, "从事专业技术工作年限应在 0 到 60 年之间")
	}
	return nil
}

// Actor is the account acting; unit users act in their unit's name.
func (a *Account) Actor(unitName string) Actor {
	actor := Actor{ID: a.ID, Name: a.Name, Role: a.Role, UnitID: a.UnitID}
	if a.Role == RoleUnit {
		actor.Name = unitName
	}
	return actor
}

// Lockout is a login rate rule: after Max failures within Window under
// Key (a login name or an IP address), logins under Key are refused until
// Lock has passed.
type Lockout struct {
	Key    string
	Max    int
	Window time.Duration
	Lock   time.Duration
	// MaxLock, when set, makes the lock back off: each lockout under Key
	// locks twice as long as the one before, up to MaxLock, until a login
	// under Key succeeds.
	MaxLock time.Duration
}

// LockFor is how long the lockouts-th lockout in a row lasts (from 0).
func (r Lockout) LockFor(lockouts int) time.Duration {
	if r.MaxLock == 0 {
		return r.Lock
	}
	return min(r.Lock<<min(lockouts, 20), r.MaxLock)
}
