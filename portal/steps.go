package portal

import (
	"fmt"
	"slices"
	"time"

	"titledesk/data"
)

// The applicant's way through: the bureau's guide in seven steps (DESIGN.md
// section 1), and where an application stands on them, for the steps
// indicator on the applicant's application page.

// guideSteps are the guide's seven steps in its own words; also is what
// this system does within the step besides what its title says.
var guideSteps = [...]struct{ name, also string }{
	{"注册账号", ""},
	{"个人申报", ""},
	{"用人单位审核", ""},
	{"职称服务工作联络点初审", ""},
	{"市人力资源局复审", ""},
	{"递交纸质材料", "现场核验"},
	{"缴费", "发证"},
}

// party is who must act for the application to move on.
type party string

const (
	nobody        party = ""
	applicantActs party = "applicant"
	unitActs      party = "unit"
	pointActs     party = "point"
	bureauActs    party = "bureau"
)

// standing is how an application stands at its step.
type standing string

const (
	underWay standing = "on"    // the step is being done
	sentBack standing = "back"  // returned: the step must be done again
	held     standing = "held"  // stopped at the step until someone answers (复审 refused, papers to supplement)
	ended    standing = "ended" // handling ended at the step without a certificate
	finished standing = "done"  // certified: every step done
)

// stepRow places a status on the guide's steps.
type stepRow struct {
	// step is 1–7. For a status that ends an application it is the step it
	// ends at when the history does not say; the status it ended from
	// decides (see progressOf).
	step int
	is   standing
	by   party  // who acts now; nobody once it has ended
	next string // what happens next, to the applicant
}

// stepTable is the whole mapping; every data.Status has a row
// (TestStepTableKnowsEveryStatus).
var stepTable = map[data.Status]stepRow{
	data.StatusDraft: {2, underWay, applicantActs,
		"请完善申报信息，上传每项申报材料清晰的彩色扫描件或照片，然后点击“送审”。送审后由用人单位审核。"},
	data.StatusUnitReview: {3, underWay, unitActs,
		"用人单位登录系统审核您的申报，按规定公示不少于 5 个工作日，期满后审核提交；通过后自动转到您选定的联络点初审。"},
	data.StatusUnitRejected: {2, sentBack, applicantActs,
		"用人单位审核不通过。请按原因修改申报信息或材料后重新送审；不再申报的，可以撤回。"},
	data.StatusLiaisonReview: {4, underWay, pointActs,
		"联络点初审您的申报。通过的自动转到市人力资源局复审；不通过的一次性告知全部原因，退回您或用人单位修改。"},
	data.StatusReturnedToApplicant: {2, sentBack, applicantActs,
		"申请已退回给您。请按退回原因一次性修改后重新送审，送审后再经用人单位审核。"},
	data.StatusReturnedToUnit: {3, sentBack, unitActs,
		"申请已退回用人单位。由单位按退回原因补充审核意见或公示材料后重新审核提交，您无需操作。"},
	data.StatusBureauReview: {5, underWay, bureauActs,
		"市人力资源局复审您的申报。通过后短信通知您打印申报表，到联络点递交纸质材料。"},
	data.StatusBureauRejected: {5, held, pointActs,
		"市人力资源局复审不通过。联络点将告知处理意见，把申请退回您或用人单位修改。"},
	data.StatusAwaitingPaper: {6, underWay, applicantActs,
		"复审已通过。请下载申报表，用 A4 纸打印，连同材料原件及复印件在规定时间内送到联络点现场核验。"},
	data.StatusPaperDeficient: {6, held, applicantActs,
		"纸质材料需要补正。请按一次性告知书，在补正期限内到联络点一次性补齐，逾期退件。"},
	data.StatusAwaitingPayment: {7, underWay, applicantActs,
		"纸质材料已受理。请按缴款通知书缴费，缴费方式见下方。"},
	data.StatusPaid: {7, underWay, bureauActs,
		"已登记缴费。财政确认到账后由市人力资源局发证，发证后短信通知您。"},
	data.StatusCertified: {7, finished, nobody,
		"已发证，办理完成。证书可在下方下载，用人单位可在“证书查询”中核验。"},
	data.StatusWithdrawn: {2, ended, nobody,
		"申请已撤回，办理到此结束。如需申报，请重新新申报。"},
	data.StatusRejected: {6, ended, nobody,
		"不予受理，办理到此结束，原因见办理记录。"},
	data.StatusExpired: {6, ended, nobody,
		"未在规定期限内办理，已逾期退件，办理到此结束。如需申报，请重新新申报。"},
}

// stepView is one step of the indicator.
type stepView struct {
	No         int
	Name, Also string
	State      string // passed, current is-…, todo: the style (not "done", which the page marks ✓)
	Word       string // the state in words, never in colour alone
	Current    bool   // aria-current="step"
}

// progress is where an application stands on the guide's steps.
type progress struct {
	Steps []stepView
	Step  int      // the step it stands at, 1–7
	Is    standing // how it stands there
	Where string   // the step in words, e.g. 当前第 2 步：个人申报
	By    string   // who acts now, in words; "" once it has ended
	Next  string   // what happens next
	Due   time.Time
	// Counter: the paper materials are still to be handed in at the
	// counter, so the page says what to bring.
	Counter bool
}

// progressOf places app on the guide's steps; pt is its liaison point,
// when known.
func progressOf(app *data.Application, pt *data.LiaisonPoint) progress {
	row, ok := stepTable[app.Status]
	if !ok { // a status newer than this table: say where it stands, no more
		row = stepRow{step: 2, is: underWay, next: "申请状态：" + app.Status.Label() + "。"}
	}
	pr := progress{Step: row.step, Is: row.is, Next: row.next}
	word := app.Status.Label()
	if row.is == ended {
		pr.Step = endedAt(app, row.step)
	}
	revoked := false
	if c := app.Certificate; app.Status == data.StatusCertified && c != nil && !c.RevokedAt.IsZero() {
		revoked, pr.Is, word = true, ended, "证书已撤销"
		pr.Next = "证书已被市人力资源局撤销（原因见下方），不能再作为取得该资格的凭证。"
	}
	// The paper materials' deadline: after 复审 (the bureau's working
	// days), or after a 一次性告知 (five).
	if (app.Status == data.StatusPaperDeficient || app.Status == data.StatusAwaitingPaper) && !app.SupplementDeadline.IsZero() {
		pr.Due = app.SupplementDeadline
	}
	name := guideSteps[pr.Step-1].name
	switch {
	case revoked:
		pr.Where = "已发证，证书已被撤销"
	case pr.Is == sentBack:
		pr.Where = fmt.Sprintf("退回第 %d 步重新办理：%s", pr.Step, name)
	case pr.Is == ended:
		pr.Where = fmt.Sprintf("办理已结束（%s），止于第 %d 步：%s", word, pr.Step, name)
	case pr.Is == finished:
		pr.Where = "七个步骤均已完成"
	default:
		pr.Where = fmt.Sprintf("当前第 %d 步：%s", pr.Step, name)
	}
	pr.By = row.by.words(app, pt)
	if pr.Is == ended {
		pr.By = ""
	}
	pr.Counter = (pr.Is == underWay || pr.Is == sentBack || pr.Is == held) && pr.Step <= 6
	for i, g := range guideSteps {
		s := stepView{No: i + 1, Name: g.name, Also: g.also}
		switch {
		case s.No < pr.Step || pr.Is == finished:
			s.State, s.Word = "passed", "已完成"
		case s.No == pr.Step:
			s.State, s.Word, s.Current = "current is-"+string(pr.Is), word, true
		case pr.Is == ended:
			s.State, s.Word = "todo", "不再办理"
		default:
			s.State, s.Word = "todo", "未开始"
		}
		if pr.Is == finished && s.No == len(guideSteps) {
			s.Word = word
		}
		pr.Steps = append(pr.Steps, s)
	}
	return pr
}

// endedAt is the step an ended application stopped at: that of the status
// it ended from, or by default the row's.
func endedAt(app *data.Application, step int) int {
	for _, d := range slices.Backward(app.Decisions) {
		if d.To == app.Status && d.From != d.To {
			if r, ok := stepTable[d.From]; ok && r.is != ended && r.is != finished {
				return r.step
			}
			break
		}
	}
	return step
}

// words names who acts, as the applicant reads it.
func (p party) words(app *data.Application, pt *data.LiaisonPoint) string {
	switch p {
	case applicantActs:
		return "您（申报人）"
	case unitActs:
		if app.UnitName != "" {
			return "用人单位（" + app.UnitName + "）"
		}
		return "用人单位"
	case pointActs:
		if pt != nil && pt.Name != "" {
			return "人才联络点（" + pt.Name + "）"
		}
		return "人才联络点"
	case bureauActs:
		return "市人力资源局"
	}
	return ""
}

// bring lists the kinds of material to bring to the counter, each once:
// those the level requires, then any other kind uploaded.
func bring(required []string, uploaded []data.Attachment) []string {
	out := slices.Clone(required)
	for _, at := range uploaded {
		if !slices.Contains(out, at.Kind) {
			out = append(out, at.Kind)
		}
	}
	return out
}
