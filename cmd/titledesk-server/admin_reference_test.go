package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"titledesk/data"
)

// TestAdminReferenceData sets the bureau's tables through the admin
// commands and reads them back as an admin would.
func TestAdminReferenceData(t *testing.T) {
	b := newBureau(t)
	csvFile := filepath.Join(t.TempDir(), "2027.csv")
	os.WriteFile(csvFile, []byte("2027-02-05,0,春节\n2027-02-14,1,春节调休\n"), 0o644)
	for _, step := range []struct {
		args []string
		want string
	}{
		{[]string{"fee-set", "-level", "中级", "-amount", "320.50"}, "中级: 320.50 元"},
		{[]string{"fee-list"}, "叁佰贰拾元伍角"},
		{[]string{"calendar-import", "-file", csvFile}, "2 days imported"},
		{[]string{"calendar-list", "-year", "2027"}, "春节调休"},
		{[]string{"reason-add", "-step", "counter", "-text", "复印件未加盖单位公章"}, "saved"},
		{[]string{"reason-list"}, "复印件未加盖单位公章"},
		{[]string{"materials-set", "-level", "员级", "-kinds", "居民身份证,学历证书，近期免冠照片"}, "员级: 居民身份证、学历证书、近期免冠照片"},
		{[]string{"materials-list"}, "居民身份证、学历证书、近期免冠照片"},
		{[]string{"point-list"}, "东莞市建筑行业协会"},
		{[]string{"user-list"}, "wang"},
		{[]string{"help"}, "verify-audit"},
	} {
		out := mustCLI(t, "", append([]string{"admin", step.args[0], "-data", b.dir}, step.args[1:]...)...)
		if !strings.Contains(out, step.want) {
			t.Errorf("admin %v: %q lacks %q", step.args, out, step.want)
		}
	}
	// A password anyone would guess first is refused for a clerk too.
	if out, code := cli(t, "12345678\n", "admin", "user-add", "-data", b.dir, "-login", "weak", "-name", "弱密码", "-point", "DLXH"); code != 1 || !strings.Contains(out, "太容易被猜到") {
		t.Errorf("user-add with 12345678: exit %d: %s", code, out)
	}
	// A year without holiday data is said to have none, not listed empty.
	if out, code := cli(t, "", "admin", "calendar-list", "-data", b.dir, "-year", "2028"); code != 1 || !strings.Contains(out, "no data") || !strings.Contains(out, "2028 年") {
		t.Errorf("calendar-list of 2028: exit %d: %s", code, out)
	}
	bad := filepath.Join(t.TempDir(), "bad.csv")
	os.WriteFile(bad, []byte("2027-02-05,maybe,春节\n"), 0o644)
	if out, code := cli(t, "", "admin", "calendar-import", "-data", b.dir, "-file", bad); code != 1 || !strings.Contains(out, "第 1 行") {
		t.Errorf("a malformed calendar file: exit %d %q", code, out)
	}
	if out, code := cli(t, "", "admin", "materials-set", "-data", b.dir, "-level", "中级", "-kinds", "户口本"); code != 1 || !strings.Contains(out, "未知的材料类别“户口本”") {
		t.Errorf("an unknown material: exit %d %q", code, out)
	}
	if out, code := cli(t, "", "admin", "enroll", "-data", b.dir, "-h"); code != 0 || !strings.Contains(out, "-point") {
		t.Errorf("admin enroll -h: exit %d %q", code, out)
	}
}

// TestAdminActionsAudited: every admin command that changes something is
// in the audit chain, with who ran it and what it set (never a password),
// and the chain verifies.
func TestAdminActionsAudited(t *testing.T) {
	b := newBureau(t) // point-add ×2, user-add ×3
	csvFile := filepath.Join(t.TempDir(), "2027.csv")
	os.WriteFile(csvFile, []byte("2027-02-05,0,春节\n"), 0o644)
	mustCLI(t, "", "admin", "fee-set", "-data", b.dir, "-level", "中级", "-amount", "320")
	mustCLI(t, "", "admin", "calendar-import", "-data", b.dir, "-file", csvFile)
	mustCLI(t, "", "admin", "enroll", "-data", b.dir, "-role", "clerk", "-point", "DLXH")
	mustCLI(t, "", "admin", "reason-add", "-data", b.dir, "-step", "counter", "-text", "复印件未加盖单位公章")
	mustCLI(t, "", "admin", "materials-set", "-data", b.dir, "-level", "员级", "-kinds", "居民身份证")
	events, err := b.store(t).AuditEvents(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]int{}
	for _, e := range events {
		got[string(e.Action)]++
		if e.Role != data.RoleAdmin || !strings.Contains(e.ActorName, "命令行") || len(e.Changes) == 0 {
			t.Errorf("event %d %s: by %q (%s), changes %v", e.Seq, e.Action, e.ActorName, e.Role, e.Changes)
		}
		for _, c := range e.Changes {
			if strings.Contains(c.Value, "argon2") || strings.Contains(c.Value, "密码chen") {
				t.Errorf("event %d records a password: %s", e.Seq, c.Value)
			}
		}
	}
	want := map[string]int{"admin:point": 2, "admin:user": 3, "admin:fee-set": 1, "admin:calendar-import": 1, "admin:enroll": 1, "admin:reason": 1, "admin:materials-set": 1}
	for action, n := range want {
		if got[action] != n {
			t.Errorf("%s: %d events, want %d (all: %v)", action, got[action], n, got)
		}
	}
	if out := mustCLI(t, "", "admin", "verify-audit", "-data", b.dir); !strings.Contains(out, "intact") {
		t.Errorf("verify-audit: %s", out)
	}
}
