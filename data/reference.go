package data

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Series are the title series (系列) applicants choose from; the
// qualification within a series is typed, as there are hundreds.
var Series = []string{
	"工程技术人员", "实验技术人员", "农业技术人员", "经济专业人员", "会计专业人员", "统计专业人员",
	"卫生技术人员", "中小学教师", "翻译专业人员", "新闻专业人员", "出版专业人员", "图书资料专业人员",
	"文物博物专业人员", "群众文化专业人员", "工艺美术专业人员", "艺术专业人员", "体育专业人员",
}

// Reference is what an applicant's choices are checked against where a
// command is applied on the server: its reference tables as they are then.
type Reference struct {
	Levels   []string            // the levels of the fee schedule
	Fees     map[string]Fen      // level → its fee
	Points   map[string]bool     // liaison point ID → open
	Required map[string][]string // level → the material kinds it requires before 送审
}

// CheckForm checks the choices a form has made so far (a draft may lack
// some) against the tables, and every text in it.
func (r *Reference) CheckForm(f *Form) error {
	switch open, known := r.Points[f.LiaisonPointID]; {
	case f.Series != "" && !slices.Contains(Series, f.Series):
		return Errorf(EINVALID, "系列“%s”不在可申报的系列中，请从列表中选择", clip(f.Series))
	case f.Level != "" && !slices.Contains(r.Levels, f.Level):
		return Errorf(EINVALID, "申报级别“%s”不在收费标准中，请从列表中选择：%s", clip(f.Level), strings.Join(r.Levels, "、"))
	case f.LiaisonPointID != "" && !known:
		return Errorf(EINVALID, "所选人才联络点不存在，请从列表中重新选择")
	case f.LiaisonPointID != "" && !open:
		return Errorf(EINVALID, "所选人才联络点已停止受理，请另选一个联络点")
	}
	return f.CheckTexts()
}

// Missing lists the materials a's level requires that it has no scan of.
func (r *Reference) Missing(a *Application) []string {
	var out []string
	for _, k := range r.Required[a.Level] {
		if !slices.ContainsFunc(a.Attachments, func(at Attachment) bool { return at.Kind == k }) {
			out = append(out, k)
		}
	}
	return out
}

// Text limits, in characters: names, the form's other fields, and the
// longer texts (opinions, notes).
const (
	NameLength  = 50
	FieldLength = 100
	NoteLength  = 1000
)

// CheckTexts checks every text of a form with CheckText.
func (f *Form) CheckTexts() error {
	for _, t := range []struct {
		label, value string
		max          int
	}{
		{"姓名", f.Name, NameLength}, {"资格", f.Qualification, FieldLength}, {"所学专业", f.Major, FieldLength},
		{"学历", f.Education, FieldLength}, {"单位名称", f.UnitName, FieldLength},
	} {
		if err := CheckText(t.label, t.value, t.max); err != nil {
			return err
		}
	}
	return nil
}

// CheckText refuses a text longer than max characters, or holding control
// characters (ESC, NUL …) or the invisible ones that reorder what is shown
// (right-to-left overrides and isolates): on a printed form or a reviewer's
// screen they would make it read other than it is.
func CheckText(label, s string, max int) error {
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, "%s含有无法识别的字符，请重新输入", label)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return Errorf(EINVALID, "%s过长（%d 个字符），最多 %d 个字符", label, n, max)
	}
	if i := strings.IndexFunc(s, hidden); i >= 0 {
		return Errorf(EINVALID, "%s含有不可见的控制字符（U+%04X），请删除后重新输入", label, []rune(s[i:])[0])
	}
	return nil
}

// hidden is a character that is not shown as itself: a control character
// other than a line break or tab, or a bidirectional formatting character.
func hidden(r rune) bool {
	switch {
	case r == '\n' || r == '\r' || r == '\t':
		return false
	case unicode.IsControl(r), r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069, r == 0x200E || r == 0x200F || r == 0x061C:
		return true
	}
	return false
}

// clip shortens a text for a message.
func clip(s string) string {
	if r := []rune(s); len(r) > 20 {
		return string(r[:20]) + "…"
	}
	return s
}
