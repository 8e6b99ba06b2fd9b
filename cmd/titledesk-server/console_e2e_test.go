package main

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"titledesk/data"
)

// TestConsoleInChromium: an administrator logs in to the web console with
// a password and an authenticator's code (good once), approves a unit (its
// applicant can then register), resets a clerk's password and then
// disables the clerk (the desk takes each at its next sync), edits a
// reason, revokes a workstation, and finds the audit chain intact.
func TestConsoleInChromium(t *testing.T) {
	b, srv, browser := browsedBureau(t)
	ctx := context.Background()
	out := mustCLI(t, "", "admin", "admin-add", "-data", b.dir, "-login", "lin", "-name", "林海燕", "-password", "后台密码Lin2026")
	secret := regexp.MustCompile(`(?m)^secret (\S+)$`).FindStringSubmatch(out)
	if secret == nil || !strings.Contains(out, "otpauth://totp/") {
		t.Fatalf("admin-add:\n%s", out)
	}
	code := func(at time.Time) string {
		c, err := data.TOTPCode(secret[1], at)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}

	admin := newPerson(t, browser, srv.url)
	admin.open("/admin")
	admin.expect("动态口令")
	admin.shot("admin-login")
	admin.fill(`form[action="/admin/login"]`, map[string]string{"login": "lin", "password": "后台密码Lin2026", "code": "000000"})
	admin.expect("用户名、密码或动态口令错误")
	now := code(time.Now())
	admin.fill(`form[action="/admin/login"]`, map[string]string{"login": "lin", "password": "后台密码Lin2026", "code": now})
	admin.expect("单位注册待审核")
	// The same code a second time, from another browser: refused.
	spy := newPerson(t, browser, srv.url)
	spy.open("/admin/login")
	spy.fill(`form[action="/admin/login"]`, map[string]string{"login": "lin", "password": "后台密码Lin2026", "code": now})
	spy.expect("动态口令每个只能用一次")
	// A portal login is no way in.
	spy.open("/admin/users")
	spy.expect("动态口令")

	// A unit registers; until approved its applicant cannot.
	creditCode := data.MakeCreditCode("91441900MA4UMH0X7")
	unit := newPerson(t, browser, srv.url)
	unit.open("/register/unit")
	unit.fill(`form[action="/register/unit"]`, map[string]string{"name": "东莞市华信检测技术有限公司", "credit_code": creditCode,
		"contact_name": "周敏", "contact_mobile": "13922001177", "login": "huaxin", "password": "单位密码2026", "password2": "单位密码2026"})
	unit.expect("等待市人力资源局审核")
	idNumber := data.MakeIDNumber("441900", time.Date(1990, 3, 8, 0, 0, 0, 0, data.Shanghai), 31)
	applicant := map[string]string{"name": "邓子豪", "id_number": idNumber, "mobile": "13800138077", "unit_credit_code": creditCode,
		"login": "dengzh", "password": "个人密码2026", "password2": "个人密码2026"}
	early := newPerson(t, browser, srv.url)
	early.open("/register/applicant")
	early.fill(`form[action="/register/applicant"]`, applicant)
	early.expect("尚未通过")
	admin.open("/admin/units")
	admin.expect("东莞市华信检测技术有限公司")
	admin.shot("admin-units")
	admin.click(`form[action="/admin/units/` + creditCode + `/approve"] button`)
	admin.expect("已审核通过")
	newPerson(t, browser, srv.url).registerApplicant(applicant, map[string]string{"education": "大学本科", "major": "土木工程", "working_years": "8"})

	// The applicant forgets the password: a code texted to the registered
	// mobile (read from what the server queued), a wrong one refused first.
	dz := newPerson(t, browser, srv.url)
	dz.open("/login")
	dz.click(`a[href="/password/forgot"]`)
	dz.fill(`form[action="/password/forgot"]`, map[string]string{"login": "dengzh", "mobile": "13800138077"})
	dz.expect("验证码已发送")
	sent, _ := b.store(t).SMSLog(ctx, 1)
	got := regexp.MustCompile(`验证码为(\d{6})`).FindStringSubmatch(sent[0].Text)
	if got == nil || sent[0].Mobile != "13800138077" || sent[0].Template != data.PasswordResetKey {
		t.Fatalf("the reset SMS: %+v", sent)
	}
	dz.fill(`form[action="/password/reset"]`, map[string]string{"code": "000000", "password": "新的密码Deng2026", "password2": "新的密码Deng2026"})
	dz.expect("验证码不正确")
	dz.fill(`form[action="/password/reset"]`, map[string]string{"login": "dengzh", "code": got[1], "password": "新的密码Deng2026", "password2": "新的密码Deng2026"})
	dz.expect("密码已重置")
	dz.fill(`form[action="/login"]`, map[string]string{"login": "dengzh", "password": "个人密码2026"})
	dz.expect("用户名或密码错误")
	dz.fill(`form[action="/login"]`, map[string]string{"login": "dengzh", "password": "新的密码Deng2026"})
	dz.expect("新申报")

	// Then withdraws a submitted application, saying why.
	appID := dz.newApplication(b, "DLXH", "工程技术人员", "建筑工程工程师", "中级")
	required, err := b.store(t).RequiredMaterials(ctx, "中级")
	if err != nil {
		t.Fatal(err)
	}
	files := t.TempDir()
	for i, kind := range required {
		dz.do(chromedp.SetValue(chromedp.CSS(`[name=kind]`), kind),
			chromedp.SetUploadFiles(chromedp.CSS(`[name=file]`), []string{scanFile(t, files, "w"+strconv.Itoa(i)+".jpg", uint8(20*i))}))
		dz.click(`form.upload button`)
		dz.expect("材料已上传")
	}
	dz.click(`form[action$="/submit"] button`)
	dz.expect("已送审")
	dz.fill(`form.withdraw`, map[string]string{"note": "已在广州市申报"})
	dz.expect("申请已撤回")
	if a, err := b.store(t).Application(ctx, appID); err != nil || a.Status != data.StatusWithdrawn || a.Decisions[len(a.Decisions)-1].Note != "已在广州市申报" {
		t.Errorf("withdrawn: %+v %v", a, err)
	}

	// A desk of 电力行业协会 with 陈晓敏 on it.
	desk := workstation(t, b, srv.url, "clerk", "DLXH", "chen", "柜台密码chen2026")
	var chen data.Clerk
	clerks, _ := b.store(t).Clerks(ctx)
	for _, c := range clerks {
		if c.Login == "chen" {
			chen = c
		}
	}
	admin.open("/admin/users")
	admin.click(`form[action="/admin/users/` + chen.ID + `/password"] button`)
	admin.expect("临时密码")
	admin.shot("admin-users")
	temp := regexp.MustCompile(`临时密码：(\S+)`).FindStringSubmatch(admin.text())
	if temp == nil {
		t.Fatalf("no temporary password shown:\n%s", admin.text())
	}
	desk.Logout()
	syncNow(t, desk)
	if _, err := desk.Login(ctx, "chen", "柜台密码chen2026"); err == nil {
		t.Error("the old password still logs in after the reset")
	}
	if _, err := desk.Login(ctx, "chen", temp[1]); err != nil {
		t.Fatalf("the temporary password: %v", err)
	}
	admin.open("/admin/users")
	admin.click(`form[action="/admin/users/` + chen.ID + `/active"] button`)
	admin.expect("已停用：工作站下次同步后")
	desk.Logout()
	syncNow(t, desk)
	if _, err := desk.Login(ctx, "chen", temp[1]); err == nil {
		t.Error("a disabled clerk logs in at the desk after its sync")
	}

	// A reason reworded.
	admin.open("/admin/reasons")
	reasons, _ := b.store(t).AllReasons(ctx)
	form := `form.edit:has(input[name=id][value="` + strconv.FormatInt(reasons[0].ID, 10) + `"])`
	admin.do(chromedp.SetValue(chromedp.CSS(form+` [name=text]`), "扫描件不清晰、不完整或方向颠倒"))
	admin.click(form + ` button`)
	admin.expect("常用原因已保存")
	if got, _ := b.store(t).AllReasons(ctx); got[0].Text != "扫描件不清晰、不完整或方向颠倒" {
		t.Errorf("the reason reads %q", got[0].Text)
	}

	// The desk revoked: its next sync is refused.
	admin.open("/admin/devices")
	admin.expect(desk.Device().Code)
	if devs, _ := b.store(t).Devices(ctx); len(devs) == 0 || devs[len(devs)-1].LastSeenAt.IsZero() || devs[len(devs)-1].Build == "" {
		t.Errorf("the desk's last sync and build are not known: %+v", devs)
	}
	revoke := `form[action="/admin/devices/` + desk.Device().Code + `/revoke"]`
	admin.fill(revoke, map[string]string{"reason": "电脑失窃"})
	admin.expect("工作站已停用")
	admin.shot("admin-devices")
	if err := desk.SyncNow(ctx); err == nil || !strings.Contains(data.ErrorMessage(err), "停用") {
		t.Errorf("the revoked desk's sync: %v", err)
	}

	// The reset code's SMS, failing at the provider until given up: listed,
	// and sent again from the console.
	for range data.SMSMaxAttempts {
		if err := b.store(t).MarkSMS(ctx, sent[0].ID, errors.New("isv.BUSINESS_LIMIT_CONTROL"), time.Now(), time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	admin.open("/admin/sms")
	admin.expect("各环节短信内容")
	admin.expect("isv.BUSINESS_LIMIT_CONTROL")
	admin.click(`form[action="/admin/sms/` + strconv.FormatInt(sent[0].ID, 10) + `/resend"] button`)
	admin.expect("短信将重新发送")
	if failed, _ := b.store(t).FailedSMS(ctx, 10); len(failed) != 0 {
		t.Errorf("still given up after the resend: %+v", failed)
	}
	admin.shot("admin-sms")
	// A point closed: applicants can no longer choose it.
	jz, err := b.store(t).LiaisonPointByCode(ctx, "JZXH")
	if err != nil {
		t.Fatal(err)
	}
	admin.open("/admin/points")
	pointForm := `form.point:has(input[name=id][value="` + jz.ID + `"])`
	admin.do(chromedp.RemoveAttribute(chromedp.CSS(pointForm+` [name=active]`), "checked"),
		chromedp.SetValue(chromedp.CSS(pointForm+` [name=phone]`), "0769-22001234"))
	admin.click(pointForm + ` button`)
	admin.expect("人才联络点已保存")
	admin.shot("admin-points")
	if got, _ := b.store(t).LiaisonPoint(ctx, jz.ID); got.Active || got.Phone != "0769-22001234" {
		t.Errorf("the point after closing: %+v", got)
	}
	dz.open("/applications/new")
	if strings.Contains(dz.text(), jz.Name) {
		t.Error("a closed point is still offered to applicants")
	}
	// A fee, and a year's holidays.
	admin.open("/admin/fees")
	fee := `form:has(input[name=level][value="中级"])`
	admin.fill(fee, map[string]string{"amount": "160.00"})
	admin.expect("收费标准和必需材料已保存")
	admin.shot("admin-fees")
	if got, _ := b.store(t).Fee(ctx, "中级"); got != 16000 {
		t.Errorf("中级 costs %v", got)
	}
	admin.open("/admin/calendar?year=2028")
	admin.expect("2028 年的放假安排尚未导入")
	admin.fill(`form[method=post][action="/admin/calendar"]`, map[string]string{"csv": "2028-10-01,0,国庆节\n2028-10-08,1,国庆节调休"})
	admin.expect("工作日历已导入")
	admin.expect("调休上班")
	admin.shot("admin-calendar")

	admin.open("/admin/stats")
	admin.expect("各环节：收到、通过、退回")
	admin.expect("已撤回") // the application withdrawn above, as of today
	admin.shot("admin-stats")
	admin.open("/admin/backups")
	admin.click(`form[action="/admin/backups"] button`)
	admin.expect("备份已写好")
	admin.expect(".db")
	// 李志强 moves to 电力行业协会; the administrator's own password.
	var li data.Clerk
	for _, c := range clerks {
		if c.Login == "li" {
			li = c
		}
	}
	admin.open("/admin/users")
	moved := `form[action="/admin/users/` + li.ID + `/edit"]`
	admin.do(chromedp.Click(chromedp.CSS(`tr:has(`+moved+`) summary`)),
		chromedp.SetValue(chromedp.CSS(moved+` [name=point]`), chen.LiaisonPointID))
	admin.click(moved + ` button`)
	admin.expect("已保存：工作站同步后生效")
	if got, _ := b.store(t).ClerkByLogin(ctx, "li"); got.LiaisonPointID != chen.LiaisonPointID {
		t.Errorf("li is at %s", got.LiaisonPointID)
	}
	admin.open("/admin/password")
	admin.fill(`form[action="/admin/password"]`, map[string]string{"current": "后台密码Lin2026", "password": "新的后台密码Lin27", "password2": "新的后台密码Lin27"})
	admin.expect("密码已修改")
	admin.open("/admin/audit")
	admin.expect("审计链完好")
	admin.expect("签名检查点")
	admin.expect("start")
	admin.do(chromedp.EmulateViewport(375, 812))
	admin.open("/admin")
	admin.shot("admin-home-phone")
	if out := mustCLI(t, "", "admin", "verify-audit", "-data", b.dir); !strings.Contains(out, "intact") {
		t.Errorf("verify-audit: %s", out)
	}
	events, err := b.store(t).AuditEvents(ctx, "")
	if err != nil {
		t.Fatal(err)
	}
	var by []string
	for _, e := range events {
		if strings.HasPrefix(string(e.Action), "admin:") && e.ActorName == "林海燕" {
			by = append(by, string(e.Action))
		}
	}
	for _, want := range []string{"admin:unit", "admin:user", "admin:reason", "admin:device-revoke"} {
		if !slices.Contains(by, want) {
			t.Errorf("the audit chain lacks %s by the administrator: %v", want, by)
		}
	}
}
