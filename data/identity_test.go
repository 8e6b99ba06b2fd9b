package data

import (
	"strings"
	"testing"
	"time"
)

func TestValidateIDNumber(t *testing.T) {
	valid := []string{
		"11010519491231002X", // the example in GB 11643-1999
		MakeIDNumber("441900", time.Date(1990, 3, 7, 0, 0, 0, 0, Shanghai), 21),
		MakeIDNumber("441900", time.Date(2000, 2, 29, 0, 0, 0, 0, Shanghai), 8), // leap day
	}
	for _, s := range valid {
		if err := ValidateIDNumber(s); err != nil {
			t.Errorf("ValidateIDNumber(%q) = %v, want nil", s, err)
		}
	}
	for _, tc := range []struct{ in, msg string }{
		{"", "请填写"},
		{"110105491231002", "15位旧身份证"},
		{"11010519491231002", "应为18位，现在是17位"},
		{"1101051949123100A2", "前17位只能是数字"},
		{"11010519491231002x", "大写 X"},
		{"11010519491231002Y", "末位只能是数字或 X"},
		{"991005194912310023", "地区码 991005 不存在"},
		{"110105194902300021", "出生日期 19490230 不是有效日期"}, // 30 February
		{"441900190002290020", "出生日期 19000229 不是有效日期"}, // 1900 was no leap year
		{"441900299901010029", "晚于今天"},
		{"440524188001010014", "出生日期 18800101 早于 1900 年"}, // GB 11643-1999's other example: sound, but no applicant
		{MakeIDNumber("441900", time.Date(1899, 12, 31, 0, 0, 0, 0, Shanghai), 1), "早于 1900 年"},
		{MakeIDNumber("441900", time.Date(1, 1, 1, 0, 0, 0, 0, Shanghai), 1), "早于 1900 年"},
		{"110105194912310021", "校验位不符（按前17位应为 X）"},
		{"11010519491231020X", "校验位不符"}, // two digits swapped
	} {
		err := ValidateIDNumber(tc.in)
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.msg) {
			t.Errorf("ValidateIDNumber(%q) = %v, want EINVALID containing %q", tc.in, err, tc.msg)
		}
	}
}

func TestMakeIDNumber(t *testing.T) {
	got := MakeIDNumber("110105", time.Date(1949, 12, 31, 0, 0, 0, 0, Shanghai), 2)
	if got != "11010519491231002X" {
		t.Errorf("MakeIDNumber = %q, want the GB 11643 example 11010519491231002X", got)
	}
}

func TestMaskIDNumber(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"11010519491231002X", "110105********002X"},
		{"1234567890", "**********"},
		{"", ""},
	} {
		if got := MaskIDNumber(tc.in); got != tc.want {
			t.Errorf("MaskIDNumber(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestValidateCreditCode(t *testing.T) {
	// Published codes of well-known companies, and the standard's example.
	for _, s := range []string{"91350100M000100Y43", "91440300708461136T", "914403001922038216", "91330100716105852F", MakeCreditCode("91441900MA4UAB12C")} {
		if err := ValidateCreditCode(s); err != nil {
			t.Errorf("ValidateCreditCode(%q) = %v, want nil", s, err)
		}
	}
	for _, tc := range []struct{ in, msg string }{
		{"", "请填写"},
		{"9135010", "应为18位，现在是7位"},
		{"91350100m000100Y43", "第9位的字母应为大写"},
		{"91350100O000100Y43", "不使用字母 O（第9位）"},
		{"9135010#M000100Y43"[:18], "第8位含有无效字符"},
		{"91350100M000100Y44", "校验位不符（按前17位应为 3）"},
	} {
		err := ValidateCreditCode(tc.in)
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.msg) {
			t.Errorf("ValidateCreditCode(%q) = %v, want EINVALID containing %q", tc.in, err, tc.msg)
		}
	}
}

func TestValidateMobile(t *testing.T) {
	for _, s := range []string{"13800138000", "19912345678", "16600000000"} {
		if err := ValidateMobile(s); err != nil {
			t.Errorf("ValidateMobile(%q) = %v", s, err)
		}
	}
	for _, tc := range []struct{ in, msg string }{
		{"", "请填写"},
		{"1380013800", "现在是10位"},
		{"138-0013-8000", "只能包含数字"},
		{"12800138000", "以13至19开头"},
		{"23800138000", "以13至19开头"},
	} {
		err := ValidateMobile(tc.in)
		if ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), tc.msg) {
			t.Errorf("ValidateMobile(%q) = %v, want EINVALID containing %q", tc.in, err, tc.msg)
		}
	}
}

func TestNormalize(t *testing.T) {
	if got := Normalize(" １１０１０５１９４９１２３１００２ｘ "); got != "11010519491231002X" {
		t.Errorf("Normalize full-width = %q", got)
	}
	if got := Normalize("138-0013 8000"); got != "13800138000" {
		t.Errorf("Normalize mobile = %q", got)
	}
}

// checkValidated holds for every validator: it never panics, and it either
// accepts or returns EINVALID with a Chinese message.
func checkValidated(t *testing.T, name, s string, err error) {
	t.Helper()
	if err != nil && (ErrorCode(err) != EINVALID || ErrorMessage(err) == "") {
		t.Fatalf("%s(%q) = %v, want nil or EINVALID with a message", name, s, err)
	}
}

func FuzzValidateIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "440524188001010014", "11010519491231002x", "110105194902300021", "", "１１０"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateIDNumber(s)
		checkValidated(t, "ValidateIDNumber", s, err)
		checkValidated(t, "ValidateIDNumber", Normalize(s), ValidateIDNumber(Normalize(s)))
		if err != nil {
			return
		}
		// A valid number has exactly one valid check character.
		if idCheck(s) != s[17] {
			t.Fatalf("%q accepted with wrong check character", s)
		}
		if m := MaskIDNumber(s); len(m) != 18 || m[:6] != s[:6] || m[14:] != s[14:] || strings.Trim(m[6:14], "*") != "" {
			t.Fatalf("MaskIDNumber(%q) = %q", s, m)
		}
	})
}

func FuzzValidateCreditCode(f *testing.F) {
	for _, s := range []string{"91350100M000100Y43", "91440300708461136T", "91350100m000100Y43", "91350100O000100Y43", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateCreditCode(s)
		checkValidated(t, "ValidateCreditCode", s, err)
		if err == nil && MakeCreditCode(s[:17]) != s {
			t.Fatalf("%q accepted but MakeCreditCode gives %q", s, MakeCreditCode(s[:17]))
		}
	})
}

func FuzzValidateMobile(f *testing.F) {
	for _, s := range []string{"13800138000", "12800138000", "1380013800０", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		err := ValidateMobile(s)
		checkValidated(t, "ValidateMobile", s, err)
		if err == nil && (len(s) != 11 || s[0] != '1' || s[1] < '3') {
			t.Fatalf("ValidateMobile accepted %q", s)
		}
	})
}

// TestCheckCard: a read card marks the 居民身份证 only when its number and
// name are the application's and it has not expired on the server's date.
func TestCheckCard(t *testing.T) {
	today := time.Date(2026, 12, 3, 15, 0, 0, 0, Shanghai)
	number := MakeIDNumber("441900", time.Date(1990, 1, 1, 0, 0, 0, 0, Shanghai), 123)
	a := &Application{Form: Form{Name: "陈晓明", IDNumber: number}}
	card := IDCard{Name: "陈晓明", Number: number, ValidTo: time.Date(2036, 5, 1, 0, 0, 0, 0, Shanghai)}
	other := MakeIDNumber("441900", time.Date(1990, 1, 1, 0, 0, 0, 0, Shanghai), 124)
	for _, c := range []struct {
		name string
		edit func(*IDCard)
		note string // "" when refused
		says string
	}{
		{"the applicant's card", func(*IDCard) {}, "已读卡核验，有效期至 2036-05-01", ""},
		{"长期", func(c *IDCard) { c.ValidTo = time.Time{} }, "已读卡核验，有效期长期", ""},
		{"expires today", func(c *IDCard) { c.ValidTo = time.Date(2026, 12, 3, 0, 0, 0, 0, Shanghai) }, "已读卡核验，有效期至 2026-12-03", ""},
		{"lower-case x read", func(c *IDCard) { c.Number = strings.ToLower(c.Number) }, "已读卡核验，有效期至 2036-05-01", ""},
		{"expired yesterday", func(c *IDCard) { c.ValidTo = time.Date(2026, 12, 2, 0, 0, 0, 0, Shanghai) }, "", "身份证已于 2026年12月2日 过期"},
		{"another person's number", func(c *IDCard) { c.Number = other }, "", "身份证号码与申请不一致"},
		{"another name", func(c *IDCard) { c.Name = "陈小明" }, "", "姓名与申请不一致：卡上为“陈小明”，申请为“陈晓明”"},
		{"a misread number", func(c *IDCard) { c.Number = number[:17] + "0" }, "", "无效，请重新放卡"},
	} {
		cd := card
		c.edit(&cd)
		note, err := CheckCard(a, cd, today)
		switch {
		case c.note != "" && (err != nil || note != c.note):
			t.Errorf("%s: %q %v, want %q", c.name, note, err, c.note)
		case c.note == "" && (ErrorCode(err) != EINVALID || !strings.Contains(ErrorMessage(err), c.says) || note != ""):
			t.Errorf("%s: %q %v, want an error saying %q", c.name, note, err, c.says)
		}
	}
}
