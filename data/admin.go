package data

import (
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// Admin is a bureau administrator of the web console: a password and a
// second factor, the six-digit code of an authenticator app (TOTP, RFC
// 6238) set up from the secret given when the account was made.
type Admin struct {
	ID           string
	Login        string // lower-case
	Name         string
	PasswordHash string
	TOTPSecret   string // base32
	// TOTPStep is the time step of the last code accepted: a code is good
	// once, so one seen over a shoulder or a network cannot be used again.
	TOTPStep  int64
	Active    bool
	CreatedAt time.Time
}

// Actor is the administrator acting, for the audit chain.
func (a *Admin) Actor() Actor { return Actor{ID: a.ID, Name: a.Name, Role: RoleAdmin} }

// totpPeriod is the authenticator's time step.
const totpPeriod = 30

// NewTOTP makes an administrator's second-factor secret and the otpauth://
// address an authenticator app scans (as a QR code) to set it up.
func NewTOTP(login string) (secret, url string, err error) {
	key, err := totp.Generate(totp.GenerateOpts{Issuer: "TitleDesk 职称考核认定", AccountName: login, Period: totpPeriod})
	if err != nil {
		return "", "", err
	}
	return key.Secret(), key.URL(), nil
}

// TOTPCode is the code an authenticator shows for secret at t.
func TOTPCode(secret string, t time.Time) (string, error) {
	return totp.GenerateCodeCustom(secret, t, totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1})
}

// CheckTOTP finds the time step of code for secret at now, allowing one
// step either side for a clock that drifts; 0 when it is no code of
// theirs, or one already used (a step not after lastStep).
func CheckTOTP(secret, code string, now time.Time, lastStep int64) int64 {
	step := now.Unix() / totpPeriod
	for _, s := range []int64{step, step - 1, step + 1} {
		want, err := TOTPCode(secret, time.Unix(s*totpPeriod, 0))
		if err == nil && want == code && s > lastStep {
			return s
		}
	}
	return 0
}
