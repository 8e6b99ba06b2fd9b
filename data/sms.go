package data

import (
	"regexp"
	"slices"
	"strings"
	"time"
)

// SMS is a text message to the party of an application who must act next
// (the applicant or the unit), queued where a command was applied and
// delivered at least once; DedupeKey makes repeats harmless.
type SMS struct {
	ID            int64
	DedupeKey     string
	Template      string // which message: MessageKey, e.g. bureau_pass or liaison_return/unit
	ApplicationID string
	Party         Party // who it is for
	Mobile        string
	Text          string
	// Params are the template's placeholders filled in, in the order they
	// appear in it: what an SMS service that only sends its own registered
	// templates (Alibaba Cloud, Tencent Cloud) is given instead of Text.
	Params    []SMSParam
	CreatedAt time.Time
	Attempts  int
	LastError string
	NextAt    time.Time // no attempt before this
	SentAt    time.Time // zero until delivered
	FailedAt  time.Time // given up on, after SMSMaxAttempts failures
}

// SMSMaxAttempts is how many times a message is tried before it is given
// up on and shown to an administrator (retries back off up to an hour, so
// this is about half a day of trying).
const SMSMaxAttempts = 20

// PasswordResetKey is the message carrying an account's password reset
// code: the one message about an account rather than an application.
const PasswordResetKey = "password_reset/account"

// passwordReset is its built-in wording.
var passwordReset = Message{PartyApplicant, "【职称考核认定】您的验证码为{code}，10分钟内有效，仅用于重置专业技术人才服务系统的登录密码。如非本人操作，请忽略。"}

// Reminders before a deadline (data/sqlite's RunDeadlines): their keys and
// built-in wording.
const (
	PaperReminderKey   = "paper_reminder/applicant"
	PaymentReminderKey = "payment_reminder/applicant"
	// RemindWorkingDays is how many working days before its deadline an
	// applicant is reminded.
	RemindWorkingDays = 2
)

var reminders = map[string]Message{
	PaperReminderKey:   {PartyApplicant, "【职称考核认定】提醒：您的申请（编号{no}）须于{deadline}前到{point}（{address}）递交或补齐纸质材料，逾期退件，电话{phone}。"},
	PaymentReminderKey: {PartyApplicant, "【职称考核认定】提醒：您的申请（编号{no}）须于{due}前缴费{amount}元（缴款码{paycode}），逾期办理结束。"},
}

// MessageKeys are the keys of the messages the system sends, with their
// built-in wording: what an administrator may reword, and what an SMS
// service must have a registered template for.
func MessageKeys() map[string]Message {
	out := map[string]Message{PasswordResetKey: passwordReset}
	for k, m := range reminders {
		out[k] = m
	}
	for _, t := range Transitions {
		if t.SMS.Template != "" {
			out[t.MessageKey()] = t.SMS
		}
	}
	return out
}

// CheckSMSTemplate refuses a wording for key that the system could not
// send: an unknown key, an unknown placeholder, or one that loses what the
// built-in wording says the message is about (its application or
// certificate); "" (back to the built-in wording) is fine.
func CheckSMSTemplate(key, text string) error {
	builtin, ok := MessageKeys()[key]
	switch {
	case !ok:
		return Errorf(EINVALID, "没有名为“%s”的短信", key)
	case text == "":
		return nil
	}
	if err := CheckText("短信内容", text, 300); err != nil {
		return err
	}
	for _, m := range placeholder.FindAllString(text, -1) {
		if !slices.Contains(Placeholders, m[1:len(m)-1]) {
			return Errorf(EINVALID, "短信内容中的“%s”无法识别：可用的有 {%s}", m, strings.Join(Placeholders, "}、{"))
		}
	}
	// SMS services send the template registered with them, filled in by
	// position (Tencent) or name (Alibaba): a rewording keeps the same
	// placeholders in the same order, so what they are given still fits.
	if got, want := placeholder.FindAllString(text, -1), placeholder.FindAllString(builtin.Template, -1); !slices.Equal(got, want) {
		return Errorf(EINVALID, "短信内容须依次保留 %s（短信服务商按登记的模板依次填入），现在是 %s",
			orNone(strings.Join(want, "、")), orNone(strings.Join(got, "、")))
	}
	return nil
}

func orNone(s string) string {
	if s == "" {
		return "（无）"
	}
	return s
}

// SMSParam is one placeholder of a template and its value, e.g. no and
// 2026000123.
type SMSParam struct {
	Name, Value string
}

// Party is who a message is for.
type Party string

const (
	PartyApplicant Party = "applicant"
	PartyUnit      Party = "unit"
)

// Label is who the party is, in words.
func (p Party) Label() string {
	return map[Party]string{PartyApplicant: "申请人", PartyUnit: "用人单位"}[p]
}

// SMSText fills an SMS template for the application after cmd: the
// application number and the applicant's name, the reasons given, the
// liaison point with its address and phone, the supplement deadline, the
// notice's code and amount, the payment and the certificate number. params
// are the placeholders the template uses, in its order, filled.
func SMSText(tmpl string, a *Application, cmd *Command, env Env) (text string, params []SMSParam) {
	point, address, phone := "所选人才联络点", "地址见申报表", "见申报表"
	if env.Point != nil {
		if p := env.Point(a.LiaisonPointID); p != nil {
			point = p.Name
			if p.Address != "" {
				address = p.Address
			}
			if p.Phone != "" {
				phone = p.Phone
			}
		}
	}
	reasons := strings.Join(cmd.Reasons, "；")
	if reasons == "" {
		reasons = "详见系统"
	}
	values := map[string]string{}
	for _, name := range Placeholders {
		values[name] = "" // what the application has not reached yet
	}
	values["no"], values["name"], values["reasons"], values["status"] = a.No, a.Name, reasons, a.Status.Label()
	values["point"], values["address"], values["phone"] = point, address, phone
	if a.Notice != nil {
		values["paycode"], values["amount"] = a.Notice.PayCode, a.Notice.Amount.String()
		if !a.Notice.Due.IsZero() {
			values["due"] = a.Notice.Due.In(Shanghai).Format("1月2日")
		}
	}
	if !a.SupplementDeadline.IsZero() {
		values["deadline"] = a.SupplementDeadline.In(Shanghai).Format("1月2日")
	}
	if a.Certificate != nil {
		values["cert"] = a.Certificate.No
	}
	if p := a.Payment; p != nil {
		values["paid"], values["channel"] = p.Amount.String(), p.Channel
	}
	text = placeholder.ReplaceAllStringFunc(tmpl, func(m string) string {
		name := m[1 : len(m)-1]
		v, known := values[name]
		if !known {
			return m // not ours: left as written
		}
		params = append(params, SMSParam{name, v})
		return v
	})
	return text, params
}

// placeholder is a template's {name}.
var placeholder = regexp.MustCompile(`\{[a-z]+\}`)

// Placeholders are the names SMSText fills, for whoever edits a template.
var Placeholders = []string{"no", "status", "name", "reasons", "point", "address", "phone", "deadline", "due", "paycode", "amount", "paid", "channel", "cert", "code"}

// PasswordResetText is the reset message with its code, in the wording
// given ("" for the built-in one), and its one placeholder.
func PasswordResetText(wording, code string) (string, []SMSParam) {
	if wording == "" {
		wording = passwordReset.Template
	}
	return strings.ReplaceAll(wording, "{code}", code), []SMSParam{{"code", code}}
}
