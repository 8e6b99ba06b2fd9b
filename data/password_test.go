package data

import (
	"strings"
	"testing"
)

func TestPassword(t *testing.T) {
	h, err := HashPassword("柜台密码2026")
	if err != nil {
		t.Fatal(err)
	}
	if !CheckPassword(h, "柜台密码2026") {
		t.Error("the right password was refused")
	}
	h2, _ := HashPassword("柜台密码2026")
	if h == h2 {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, tc := range []struct{ hash, pw string }{
		{h, "柜台密码2025"},
		{h, ""},
		{"", "柜台密码2026"},
		{"$argon2id$v=19$m=99999999,t=1,p=1$AAAA$AAAA", "x"},
		{"plain", "plain"},
	} {
		if CheckPassword(tc.hash, tc.pw) {
			t.Errorf("CheckPassword(%q, %q) = true", tc.hash, tc.pw)
		}
	}
	if _, err := HashPassword("short"); ErrorCode(err) != EINVALID {
		t.Errorf("a 5-character password: %v, want EINVALID", err)
	}
}

// TestPasswordPolicy: the passwords people guess first are refused with a
// message saying why; the counter's are taken.
func TestPasswordPolicy(t *testing.T) {
	for _, tc := range []struct{ pw, login, says string }{
		{"12345678", "zhangwei", "太容易被猜到"},
		{"password", "zhangwei", "太容易被猜到"},
		{"qwertyui", "zhangwei", "太容易被猜到"},
		{"20261203", "zhangwei", "太容易被猜到"},
		{"zhangwei2026", "zhangwei", "太容易被猜到"},
		{"Zhangwei2", "zhangwei2", "不能与用户名相同"},
		{"短密码", "zhangwei", "至少 8 位"},
		{strings.Repeat("长", 129), "zhangwei", "最多 128 位"},
		{"柜台密码chen2026", "chen", ""},
		{"柜台密码li2026", "lizhi", ""},
		{"个人密码2026", "zhangwei", ""},
		{"titledesk2026", "dlxh", ""},
	} {
		err := CheckNewPassword(tc.pw, tc.login, "张伟")
		if tc.says == "" && err != nil || tc.says != "" && !strings.Contains(ErrorMessage(err), tc.says) {
			t.Errorf("%q for %s: %v, want %q", tc.pw, tc.login, err, tc.says)
		}
	}
}
