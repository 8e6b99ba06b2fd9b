package portal

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/forms"
)

// roleOf is the role of the state machine that acts for a party of the
// step table.
var roleOf = map[party]data.Role{applicantActs: data.RoleApplicant, unitActs: data.RoleUnit, pointActs: data.RoleClerk, bureauActs: data.RoleBureau}

func TestStepTableKnowsEveryStatus(t *testing.T) {
	if len(stepTable) != len(data.Statuses) {
		t.Errorf("the step table has %d rows for %d statuses", len(stepTable), len(data.Statuses))
	}
	for _, s := range data.Statuses {
		row, ok := stepTable[s]
		if !ok {
			t.Errorf("%s (%s): not in the step table", s, s.Label())
			continue
		}
		switch {
		case row.step < 2 || row.step > len(guideSteps):
			t.Errorf("%s: step %d; an application stands at steps 2–%d", s, row.step, len(guideSteps))
		case row.next == "":
			t.Errorf("%s: says nothing of what happens next", s)
		case s.Terminal() != (row.is == ended || row.is == finished):
			t.Errorf("%s: terminal %v but shown as %q", s, s.Terminal(), row.is)
		case s.Terminal() && row.by != nobody:
			t.Errorf("%s has ended, yet %q is to act", s, row.by)
		case !s.Terminal() && row.by == nobody:
			t.Errorf("%s: no one is said to act", s)
		}
		if s.Terminal() || row.by == nobody {
			continue
		}
		// Who acts is someone the state machine lets move it on; the
		// applicant also where the counter records what he does (steps 6, 7).
		moves := false
		for _, tr := range data.Transitions {
			if tr.From == s && tr.To != s && tr.Role == roleOf[row.by] && tr.Action != data.ActionWithdraw {
				moves = true
			}
		}
		if !moves && !(row.by == applicantActs && row.step >= 6) {
			t.Errorf("%s: the table says %s acts, but no row of the state machine lets %s move it on", s, row.by, roleOf[row.by])
		}
	}
	// A status reached by going back is shown as a return; every other
	// move goes forward or stays.
	for _, tr := range data.Transitions {
		from, to := stepTable[tr.From], stepTable[tr.To]
		if tr.To == tr.From || tr.To.Terminal() {
			continue
		}
		if to.step < from.step && to.is != sentBack {
			t.Errorf("%s → %s goes back from step %d to %d, but %s is not shown as a return", tr.From, tr.To, from.step, to.step, tr.To)
		}
	}
}

func TestProgressOf(t *testing.T) {
	pt := &data.LiaisonPoint{Name: "东莞市电力行业协会"}
	decided := func(st data.Status, from ...data.Status) *data.Application {
		a := &data.Application{Status: st, Form: data.Form{UnitName: "东莞市明辉电力工程有限公司"}}
		for _, f := range from {
			a.Decisions = append(a.Decisions, data.Decision{From: f, To: st})
		}
		return a
	}
	deficient := decided(data.StatusPaperDeficient, data.StatusAwaitingPaper)
	deficient.SupplementDeadline = time.Date(2026, 9, 21, 0, 0, 0, 0, data.Shanghai)
	revoked := decided(data.StatusCertified, data.StatusPaid)
	revoked.Certificate = &data.Certificate{No: "1", RevokedAt: time.Date(2027, 1, 5, 0, 0, 0, 0, data.Shanghai)}
	for _, tc := range []struct {
		what  string
		app   *data.Application
		step  int
		is    standing
		word  string // the current step's word
		where string
		by    string
	}{
		{"draft", decided(data.StatusDraft), 2, underWay, "未送审", "当前第 2 步：个人申报", "您（申报人）"},
		{"unit review", decided(data.StatusUnitReview, data.StatusDraft), 3, underWay, "待单位审核", "当前第 3 步：用人单位审核", "用人单位（东莞市明辉电力工程有限公司）"},
		{"returned to the unit", decided(data.StatusReturnedToUnit, data.StatusLiaisonReview), 3, sentBack, "退回单位修改", "退回第 3 步重新办理", "用人单位（东莞市明辉电力工程有限公司）"},
		{"returned to the applicant", decided(data.StatusReturnedToApplicant, data.StatusBureauRejected), 2, sentBack, "退回申报人修改", "退回第 2 步重新办理：个人申报", "您（申报人）"},
		{"refused at 复审", decided(data.StatusBureauRejected, data.StatusBureauReview), 5, held, "市局复审不通过", "当前第 5 步", "人才联络点（东莞市电力行业协会）"},
		{"papers to supplement", deficient, 6, held, "材料待补正", "当前第 6 步：递交纸质材料", "您（申报人）"},
		{"paid", decided(data.StatusPaid, data.StatusAwaitingPayment), 7, underWay, "已缴费", "当前第 7 步：缴费", "市人力资源局"},
		// An end stops at the step it ended from.
		{"withdrawn at 初审", decided(data.StatusWithdrawn, data.StatusUnitReview, data.StatusLiaisonReview), 4, ended, "已撤回", "办理已结束（已撤回），止于第 4 步", ""},
		{"withdrawn draft", decided(data.StatusWithdrawn, data.StatusDraft), 2, ended, "已撤回", "止于第 2 步", ""},
		{"unpaid", decided(data.StatusExpired, data.StatusAwaitingPayment), 7, ended, "逾期退件", "止于第 7 步：缴费", ""},
		{"refused at the counter", decided(data.StatusRejected, data.StatusPaperDeficient), 6, ended, "不予受理", "止于第 6 步", ""},
		{"refunded", decided(data.StatusRejected, data.StatusPaid), 7, ended, "不予受理", "止于第 7 步", ""},
		{"ended, no history", decided(data.StatusExpired), 6, ended, "逾期退件", "止于第 6 步", ""},
		{"certificate revoked", revoked, 7, ended, "证书已撤销", "证书已被撤销", ""},
	} {
		pr := progressOf(tc.app, pt)
		if pr.Step != tc.step || pr.Is != tc.is || !strings.Contains(pr.Where, tc.where) || pr.By != tc.by {
			t.Errorf("%s: step %d %q %q by %q; want %d %q %q by %q", tc.what, pr.Step, pr.Is, pr.Where, pr.By, tc.step, tc.is, tc.where, tc.by)
		}
		current := 0
		for _, s := range pr.Steps {
			want := "todo"
			switch {
			case s.No < tc.step:
				want = "passed"
			case s.No == tc.step:
				want = "current is-" + string(tc.is)
				if s.Word != tc.word {
					t.Errorf("%s: the current step says %q, want %q", tc.what, s.Word, tc.word)
				}
			}
			if s.State != want || s.Word == "" {
				t.Errorf("%s: step %d is %q %q, want %q", tc.what, s.No, s.State, s.Word, want)
			}
			if s.Current {
				current++
			}
		}
		if len(pr.Steps) != 7 || current != 1 {
			t.Errorf("%s: %d steps, %d current", tc.what, len(pr.Steps), current)
		}
		if want := tc.is != ended && tc.step <= 6; pr.Counter != want {
			t.Errorf("%s: counter card %v, want %v", tc.what, pr.Counter, want)
		}
	}
	if pr := progressOf(deficient, pt); !pr.Due.Equal(deficient.SupplementDeadline) {
		t.Errorf("papers to supplement: due %v", pr.Due)
	}
	// Certified: every step done, none current.
	pr := progressOf(decided(data.StatusCertified, data.StatusPaid), pt)
	for _, s := range pr.Steps {
		if s.State != "passed" || s.Current {
			t.Errorf("certified: step %d is %q current %v", s.No, s.State, s.Current)
		}
	}
	if pr.Is != finished || pr.Counter || pr.By != "" || pr.Steps[6].Word != "已发证" {
		t.Errorf("certified: %+v", pr)
	}
}

var currentStep = regexp.MustCompile(`(?s)<li class="step current[^"]*" aria-current="step">(.*?)</li>`)

// current is the text of the step the page marks current, and how many
// it marks.
func current(body string) (string, int) {
	m := currentStep.FindAllStringSubmatch(body, -1)
	if len(m) == 0 {
		return "", strings.Count(body, `aria-current="step"`)
	}
	text := strings.Fields(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(m[0][1], " "))
	return strings.Join(text, " "), strings.Count(body, `aria-current="step"`)
}

func TestApplicantPageSteps(t *testing.T) {
	s := newSite(t)
	_, u := s.unit("minghui", "东莞市明辉电力工程有限公司")
	s.point.Phone = "0769-22836690"
	if err := s.db.SaveLiaisonPoint(context.Background(), s.point); err != nil {
		t.Fatal(err)
	}
	zhang := s.applicant("zhangwei", u)
	id := zhang.draft()

	// A draft: step 2 current, the applicant to act, and what to bring.
	status, body := zhang.get("/applications/" + id)
	required, _ := s.db.RequiredMaterials(context.Background(), "助理级")
	want := []string{`<ol class="steps" role="list">`, "当前第 2 步：个人申报", "现在由<strong>您（申报人）</strong>办理", "到现场要带什么、怎么缴费",
		"东莞市电力行业协会", "南城街道鸿福路 1 号", "0769-22836690", "5 个工作日", "《东莞市非税收入缴款通知书》", "← 返回考核认定"}
	for _, k := range required {
		want = append(want, "<li>"+k+"：<strong>原件及复印件</strong></li>")
	}
	mustContain(t, "draft", status, body, http.StatusOK, want...)
	if len(required) == 0 {
		t.Fatal("no required materials for 助理级")
	}
	if step, n := current(body); n != 1 || !strings.Contains(step, "2 个人申报") || !strings.Contains(step, "未送审") {
		t.Errorf("draft: current step %q (%d marked)", step, n)
	}
	if strings.Index(body, `id="counter"`) < strings.Index(body, "申报材料</h2>") {
		t.Error("draft: the counter card comes before the materials to upload")
	}

	// Passed by the bureau: step 6 current, the counter card first.
	zhang.uploadAll(id)
	a := s.app(id)
	zhang.post("/applications/"+id+"/submit", url.Values{"version": {itoa(a.Version)}})
	keyPEM, keyID, _ := forms.NewKey()
	key, _ := forms.ParseKey(keyPEM)
	s.db.SealForm = forms.FormSealer(keyID, key)
	cal, _ := s.db.Calendar(context.Background())
	a = s.app(id)
	for i, c := range []data.Command{
		{Action: data.ActionUnitApprove, Actor: data.Actor{ID: "u", Name: u.Name, Role: data.RoleUnit, UnitID: u.ID}, Opinion: "同意",
			Publicity: data.Publicity{Start: s.now.AddDate(0, 0, 1), End: s.now.AddDate(0, 0, 13)}},
		{Action: data.ActionLiaisonPass, Actor: data.Actor{ID: "c1", Name: "陈晓敏", Role: data.RoleClerk, LiaisonPointID: s.point.ID}},
		{Action: data.ActionBureauPass, Actor: data.Actor{ID: "b1", Name: "王立新", Role: data.RoleBureau}},
	} {
		c.ID, c.ApplicationID, c.ExpectedVersion = uuid.NewString(), id, a.Version+int64(i)
		if _, err := s.db.Apply(context.Background(), c, data.Env{Now: s.now.AddDate(0, 0, 21), Calendar: cal}); err != nil {
			t.Fatalf("%s: %v", c.Action, err)
		}
	}
	status, body = zhang.get("/applications/" + id)
	mustContain(t, "passed", status, body, http.StatusOK, "当前第 6 步：递交纸质材料", "现在由<strong>您（申报人）</strong>办理",
		"下载申报表", "到现场要带什么、怎么缴费", `<a href="/applications/`+id+`/form.pdf">下载</a>后用 A4 纸打印`, "← 返回考核认定")
	if step, n := current(body); n != 1 || !strings.Contains(step, "6 递交纸质材料") || !strings.Contains(step, "复审通过·待交纸质材料") {
		t.Errorf("passed: current step %q (%d marked)", step, n)
	}
	if strings.Count(body, `<li class="step passed">`) != 5 {
		t.Errorf("passed: %d steps done, want 5", strings.Count(body, `<li class="step passed">`))
	}
	if strings.Index(body, `id="counter"`) > strings.Index(body, "申报信息</h2>") {
		t.Error("passed: the counter card comes after the summary")
	}
}
