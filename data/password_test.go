package data

import "testing"

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
