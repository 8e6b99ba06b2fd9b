package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
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
