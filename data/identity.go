package data

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Normalize prepares a typed or scanned code for validation: it drops
// spaces, turns full-width characters (common with Chinese input methods)
// into ASCII and upper-cases letters, so "44190019900307002x" and its
// full-width form are the same number.
func Normalize(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '\u3000' || r == '\t' || r == '-':
			continue
		case r >= '！' && r <= '～':
			r -= '！' - '!'
		}
		if r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

var (
	idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idChecks  = "10X98765432"
	// First two digits of region codes (GB/T 2260 provinces, 71/81/82 for
	// Taiwan, Hong Kong and Macao, 83 for their residence permits).
	idProvinces = map[string]bool{
		"11": true, "12": true, "13": true, "14": true, "15": true,
		"21": true, "22": true, "23": true,
		"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
		"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
		"50": true, "51": true, "52": true, "53": true, "54": true,
		"61": true, "62": true, "63": true, "64": true, "65": true,
		"71": true, "81": true, "82": true, "83": true,
	}
)

// idCheck computes the GB 11643 (ISO 7064 MOD 11-2) check character of the
// first 17 digits.
func idCheck(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * idWeights[i]
	}
	return idChecks[sum%11]
}

// earliestBirth is the earliest date of birth an identity number may carry:
// a year like 0000 or 1800 with a valid check character is a typing slip.
var earliestBirth = time.Date(1900, 1, 1, 0, 0, 0, 0, Shanghai)

// ValidateIDNumber checks an 18-character 居民身份证号: digits, region, a real
// date of birth from 1900 to today, and the check character (upper-case X).
func ValidateIDNumber(s string) error {
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return Errorf(EINVALID, "请填写居民身份证号码")
	}
	if n == 15 && isDigits(s) {
		return Errorf(EINVALID, "这是15位旧身份证号码，请填写18位居民身份证号码")
	}
	if n != 18 {
		return Errorf(EINVALID, "居民身份证号码应为18位，现在是%d位", n)
	}
	if !isDigits(s[:17]) {
		return Errorf(EINVALID, "居民身份证号码前17位只能是数字")
	}
	last := s[17]
	if last == 'x' {
		return Errorf(EINVALID, "居民身份证号码末位的 x 应为大写 X")
	}
	if !(last >= '0' && last <= '9') && last != 'X' {
		return Errorf(EINVALID, "居民身份证号码末位只能是数字或 X")
	}
	if !idProvinces[s[:2]] {
		return Errorf(EINVALID, "居民身份证号码前6位地区码 %s 不存在", s[:6])
	}
	birth, err := time.ParseInLocation("20060102", s[6:14], Shanghai)
	if err != nil {
		return Errorf(EINVALID, "居民身份证号码第7至14位的出生日期 %s 不是有效日期", s[6:14])
	}
	// The clock is read here only to refuse dates of birth in the future;
	// validation has no other use for it.
	if birth.After(time.Now()) {
		return Errorf(EINVALID, "居民身份证号码中的出生日期 %s 晚于今天", s[6:14])
	}
	if birth.Before(earliestBirth) {
		return Errorf(EINVALID, "居民身份证号码中的出生日期 %s 早于 1900 年，请核对", s[6:14])
	}
	if want := idCheck(s); want != last {
		return Errorf(EINVALID, "居民身份证号码校验位不符（按前17位应为 %c），请核对是否有数字抄错", want)
	}
	return nil
}

// MakeIDNumber builds a valid identity number from a 6-digit region code,
// a date of birth and a sequence (odd for men, even for women; taken modulo
// 1000). It is for demo data and tests.
func MakeIDNumber(region string, birth time.Time, seq int) string {
	first17 := fmt.Sprintf("%.6s%s%03d", region, birth.Format("20060102"), (seq%1000+1000)%1000)
	return first17 + string(idCheck(first17))
}

// MaskIDNumber hides all but the first 6 and the last 4 characters, as
// lists show identity numbers.
func MaskIDNumber(s string) string {
	r := []rune(s)
	if len(r) <= 10 {
		return strings.Repeat("*", len(r))
	}
	return string(r[:6]) + strings.Repeat("*", len(r)-10) + string(r[len(r)-4:])
}

var (
	creditChars   = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	creditWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
)

// creditCheck computes the GB 32100 check character; the caller has made
// sure every character is in creditChars.
func creditCheck(prefix17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(creditChars, prefix17[i]) * creditWeights[i]
	}
	return creditChars[(31-sum%31)%31]
}

// ValidateCreditCode checks an 18-character 统一社会信用代码: its alphabet
// (digits and upper-case letters without I, O, Z, S, V) and its check
// character.
func ValidateCreditCode(s string) error {
	n := utf8.RuneCountInString(s)
	if n == 0 {
		return Errorf(EINVALID, "请填写统一社会信用代码")
	}
	if n != 18 {
		return Errorf(EINVALID, "统一社会信用代码应为18位，现在是%d位", n)
	}
	for i := 0; i < 18; i++ {
		c := s[i]
		if strings.IndexByte(creditChars, c) >= 0 {
			continue
		}
		switch {
		case c >= 'a' && c <= 'z':
			return Errorf(EINVALID, "统一社会信用代码第%d位的字母应为大写", i+1)
		case c == 'I' || c == 'O' || c == 'Z' || c == 'S' || c == 'V':
			return Errorf(EINVALID, "统一社会信用代码不使用字母 %c（第%d位），请核对是否为数字 1、0、2、5 或其他字母", c, i+1)
		default:
			return Errorf(EINVALID, "统一社会信用代码第%d位含有无效字符，只能是数字或大写字母", i+1)
		}
	}
	if want := creditCheck(s); want != s[17] {
		return Errorf(EINVALID, "统一社会信用代码校验位不符（按前17位应为 %c），请核对是否有字符抄错", want)
	}
	return nil
}

// MakeCreditCode appends the check character to 17 valid characters; it is
// for demo data and tests and panics on other input.
func MakeCreditCode(prefix17 string) string {
	if len(prefix17) != 17 || strings.Trim(prefix17, creditChars) != "" {
		panic("data.MakeCreditCode: need 17 characters from " + creditChars)
	}
	return prefix17 + string(creditCheck(prefix17))
}

// ValidateMobile checks a mainland mobile number: 11 digits, 1 then 3–9.
func ValidateMobile(s string) error {
	n := utf8.RuneCountInString(s)
	switch {
	case n == 0:
		return Errorf(EINVALID, "请填写手机号码")
	case !isDigits(s):
		return Errorf(EINVALID, "手机号码只能包含数字")
	case n != 11:
		return Errorf(EINVALID, "手机号码应为11位数字，现在是%d位", n)
	case s[0] != '1' || s[1] < '3':
		return Errorf(EINVALID, "手机号码应以13至19开头")
	}
	return nil
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// IDCard is what the chip of a second-generation resident identity card
// (二代身份证) holds that the counter compares with an application, as a
// card reader reads it.
type IDCard struct {
	Name    string
	Number  string
	ValidTo time.Time // zero for 长期 (no end)
}

// IDCardKind is the material a read card checks: the application's
// 居民身份证 (REFERENCE.md's list of materials).
const IDCardKind = "居民身份证"

// cardChecks are what a read card must pass against an application, in
// order; each says why the card fails it, or "".
var cardChecks = []func(a *Application, c IDCard, today time.Time) string{
	func(_ *Application, c IDCard, _ time.Time) string {
		if ValidateIDNumber(c.Number) != nil {
			return "读到的身份证号码“" + c.Number + "”无效，请重新放卡"
		}
		return ""
	},
	func(a *Application, c IDCard, _ time.Time) string {
		if Normalize(c.Number) != Normalize(a.IDNumber) {
			return "身份证号码与申请不一致：卡上为 " + MaskIDNumber(c.Number) + "，申请为 " + MaskIDNumber(a.IDNumber) + "，请核对是否本人证件"
		}
		return ""
	},
	func(a *Application, c IDCard, _ time.Time) string {
		if name := strings.TrimSpace(c.Name); name != strings.TrimSpace(a.Name) {
			return "姓名与申请不一致：卡上为“" + name + "”，申请为“" + a.Name + "”，请核对"
		}
		return ""
	},
	func(_ *Application, c IDCard, today time.Time) string {
		if !c.ValidTo.IsZero() && Midnight(c.ValidTo).Before(Midnight(today)) {
			return "身份证已于 " + c.ValidTo.Format("2006年1月2日") + " 过期，请申请人提供有效证件"
		}
		return ""
	},
}

// CheckCard compares a read card with the application on today (the
// server's date): a card that passes gives the note its 居民身份证 item is
// marked 一致 with; one that does not, an EINVALID error saying why.
func CheckCard(a *Application, c IDCard, today time.Time) (string, error) {
	for _, check := range cardChecks {
		if why := check(a, c, today); why != "" {
			return "", Errorf(EINVALID, "%s", why)
		}
	}
	if c.ValidTo.IsZero() {
		return "已读卡核验，有效期长期", nil
	}
	return "已读卡核验，有效期至 " + c.ValidTo.Format("2006-01-02"), nil
}
