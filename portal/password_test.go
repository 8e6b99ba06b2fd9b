package portal

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestPasswordResetByCode: a code goes only to an account's own mobile and
// the answer does not tell whether the account exists; a second code waits
// a minute; the code is good once, for ten minutes and five tries; a
// change needs the current password and ends the other sessions.
func TestPasswordResetByCode(t *testing.T) {
	s := newSite(t)
	ctx := context.Background()
	_, u := s.unit("unit1", "东莞市粤电工程有限公司")
	s.applicant("zhangwei", u)
	ask := func(login, mobile string) (int, string) {
		return s.visitor().post("/password/forgot", url.Values{"login": {login}, "mobile": {mobile}})
	}
	codes := func() []string {
		msgs, _ := s.db.SMSLog(ctx, 50)
		var out []string
		for _, m := range msgs {
			if c := regexp.MustCompile(`验证码为(\d{6})`).FindStringSubmatch(m.Text); c != nil {
				out = append(out, c[1])
			}
		}
		return out
	}
	for _, c := range [][2]string{{"zhangwei", "13900000000"}, {"nobody", "13800138000"}} {
		status, body := ask(c[0], c[1])
		mustContain(t, "a mismatch", status, body, http.StatusOK, "如用户名和手机号与注册信息相符")
	}
	if n := len(codes()); n != 0 {
		t.Fatalf("a mismatch sent %d codes", n)
	}
	status, body := ask("zhangwei", "13800138000")
	mustContain(t, "the right pair", status, body, http.StatusOK, "如用户名和手机号与注册信息相符")
	status, body = ask("zhangwei", "13800138000") // at once: no second code, the same words
	mustContain(t, "again at once", status, body, http.StatusOK, "如用户名和手机号与注册信息相符")
	first := codes()
	if len(first) != 1 {
		t.Fatalf("codes %v", first)
	}
	reset := func(code, pw string) (int, string) {
		return s.visitor().post("/password/reset", url.Values{"login": {"zhangwei"}, "code": {code}, "password": {pw}, "password2": {pw}})
	}
	// A wrong code is all a guesser learns: not whether the login exists,
	// nor what the policy thinks of the password tried (it would weigh it
	// against the owner's mobile and identity number).
	for _, login := range []string{"nobody", "zhangwei"} {
		_, body := s.visitor().post("/password/reset", url.Values{"login": {login}, "code": {"999999"}, "password": {"13800138000"}, "password2": {"13800138000"}})
		if alert := regexp.MustCompile(`role="alert">([^<]*)<`).FindStringSubmatch(body); alert == nil || !strings.HasPrefix(alert[1], "验证码不正确") {
			t.Errorf("%s: %v", login, alert)
		}
	}
	// Five wrong tries end it (the one above was the first): the right code
	// no longer works.
	for i := 1; i < 5; i++ {
		status, body = reset("000000", "新的密码Zhang2026")
		if !strings.Contains(body, "验证码不正确") {
			t.Fatalf("try %d: %d %s", i, status, pageText(body))
		}
	}
	status, body = reset(first[0], "新的密码Zhang2026")
	mustContain(t, "after five wrong", status, body, http.StatusUnprocessableEntity, "验证码不正确或已过期")
	// A new code, too late.
	s.now = s.now.Add(2 * time.Minute)
	ask("zhangwei", "13800138000")
	second := codes()[0]
	s.now = s.now.Add(11 * time.Minute)
	status, body = reset(second, "新的密码Zhang2026")
	mustContain(t, "expired", status, body, http.StatusUnprocessableEntity, "验证码不正确或已过期")
	// A third, in time: the password changes, once.
	ask("zhangwei", "13800138000")
	third := codes()[0]
	status, body = reset(third, "新的密码Zhang2026")
	mustContain(t, "in time", status, body, http.StatusOK, "密码已重置")
	status, body = reset(third, "另一个密码Zhang2027")
	mustContain(t, "the code again", status, body, http.StatusUnprocessableEntity, "验证码不正确或已过期")

	// 修改密码: the current one is asked; another open session ends.
	a := s.visitor()
	a.login("zhangwei", "新的密码Zhang2026")
	b := s.visitor()
	b.login("zhangwei", "新的密码Zhang2026")
	status, body = a.post("/password", url.Values{"current": {"错的密码"}, "password": {"第三个密码Zh2026"}, "password2": {"第三个密码Zh2026"}})
	mustContain(t, "a wrong current password", status, body, http.StatusUnprocessableEntity, "当前密码不正确")
	status, body = a.post("/password", url.Values{"current": {"新的密码Zhang2026"}, "password": {"第三个密码Zh2026"}, "password2": {"第三个密码Zh2026"}})
	mustContain(t, "changed", status, body, http.StatusOK, "密码已修改")
	if status, body = a.get("/applications"); status != http.StatusOK || !strings.Contains(body, "新申报") {
		t.Errorf("the changing session ended: %d %s", status, pageText(body))
	}
	if _, body = b.get("/applications"); strings.Contains(body, "新申报") {
		t.Error("the other session is still logged in")
	}
}
