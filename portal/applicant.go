package portal

import (
	"net/http"
	"path"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/forms"
)

// Step 2 of the guide (个人申报): the applicant's list (考核认定), a new
// application (新申报), its scans, 送审, and what happens after.

// applicationView is an application as its pages show it.
type applicationView struct {
	App       *data.Application
	Point     *data.LiaisonPoint
	Actions   map[string]bool // by action name, as templates index it
	Required  []string
	Missing   []string
	Kinds     []string
	Returned  *data.Decision // the return or refusal the applicant must answer
	Decisions []data.Decision
	// PublicityHint is the earliest end of a publicity starting today.
	PublicityHint time.Time
	Reasons       []data.Reason
	Typed         data.Command // the unit's refused decision, shown again
	// Finance is how the bureau collects the fee, for the payment card.
	Finance data.FinanceSettings
	// Progress is where the application stands on the guide's seven steps.
	Progress progress
	// Bring is what to bring to the counter, each in original and copy:
	// the level's required materials and any other kind uploaded.
	Bring []string
	// Fee is the level's fee by the schedule; 0 when it has none.
	Fee data.Fen
	// SupplementDays is the time to make good what the counter's
	// one-time notice (一次性告知) lists, in working days.
	SupplementDays int
}

// loadApplication returns an application the visitor may see; any other
// is "not found".
func (p *Portal) loadApplication(rq *request) (*data.Application, error) {
	app, err := p.db.Application(rq.ctx(), rq.r.PathValue("id"))
	if data.ErrorCode(err) == data.ENOTFOUND || (err == nil && !visible(rq.account, app)) {
		return nil, notFoundErr()
	}
	return app, err
}

// visible says who sees an application: the applicant his own; a unit
// those of its applicants once they have been sent to it.
func visible(a *data.Account, app *data.Application) bool {
	switch {
	case a == nil:
		return false
	case a.Role == data.RoleApplicant:
		return app.ApplicantID == a.ID
	case a.Role == data.RoleUnit:
		return app.UnitID == a.UnitID && !app.SubmittedAt.IsZero()
	}
	return false
}

func (p *Portal) actor(rq *request) data.Actor {
	name := ""
	if rq.unit != nil {
		name = rq.unit.Name
	}
	return rq.account.Actor(name)
}

func (p *Portal) view(rq *request, app *data.Application) (*applicationView, error) {
	v := &applicationView{App: app, Actions: map[string]bool{}, Kinds: data.MaterialKinds}
	for _, t := range data.Actions(app, p.actor(rq), data.Env{Now: p.Now()}) {
		v.Actions[string(t.Action)+string(t.Document)] = true // print of a document: printF, printC
	}
	if app.LiaisonPointID != "" {
		pt, err := p.db.LiaisonPoint(rq.ctx(), app.LiaisonPointID)
		if err != nil && data.ErrorCode(err) != data.ENOTFOUND {
			return nil, err
		}
		v.Point = pt
	}
	ref, err := p.db.Reference(rq.ctx())
	if err != nil {
		return nil, err
	}
	v.Required, v.Missing = ref.Required[app.Level], ref.Missing(app)
	v.Bring, v.Fee, v.SupplementDays = bring(v.Required, app.Attachments), ref.Fees[app.Level], data.SupplementWorkingDays
	v.Progress = progressOf(app, v.Point)
	if v.Finance, err = p.db.Finance(rq.ctx()); err != nil {
		return nil, err
	}
	v.Decisions = slices.Clone(app.Decisions)
	slices.Reverse(v.Decisions)
	for i := range v.Decisions {
		d := &v.Decisions[i]
		if len(d.Reasons) > 0 || (d.Note != "" && d.Action != data.ActionUnitApprove) {
			if d.To == app.Status {
				v.Returned = d
			}
			break
		}
	}
	return v, nil
}

func (p *Portal) applications(rq *request) error {
	apps, _, err := p.db.FindApplications(rq.ctx(), data.ApplicationFilter{ApplicantID: rq.account.ID, Limit: 200})
	if err != nil {
		return err
	}
	// Newest first, as people look for the one they just made.
	slices.Reverse(apps)
	points, err := p.pointNames(rq)
	if err != nil {
		return err
	}
	p.render(rq, "applications", "考核认定", map[string]any{"Apps": apps, "Points": points}, nil)
	return nil
}

// pointNames names the liaison points by ID, for the lists.
func (p *Portal) pointNames(rq *request) (map[string]string, error) {
	pts, err := p.db.LiaisonPoints(rq.ctx())
	if err != nil {
		return nil, err
	}
	names := make(map[string]string, len(pts))
	for _, pt := range pts {
		names[pt.ID] = pt.Name
	}
	return names, nil
}

// formView is the new-application and edit page.
type formView struct {
	App     data.Application
	Series  []string
	Levels  []string
	Points  []data.LiaisonPoint
	Methods []data.Method
	Action  string
}

func (p *Portal) formView(rq *request, app data.Application, action string) (*formView, error) {
	v := &formView{App: app, Series: data.Series, Methods: []data.Method{data.MethodAssessment, data.MethodReview}, Action: action}
	fees, err := p.db.Fees(rq.ctx())
	if err != nil {
		return nil, err
	}
	for _, f := range fees {
		v.Levels = append(v.Levels, f.Level)
	}
	pts, err := p.db.LiaisonPoints(rq.ctx())
	if err != nil {
		return nil, err
	}
	for _, pt := range pts {
		if pt.Active {
			v.Points = append(v.Points, pt)
		}
	}
	return v, nil
}

func (p *Portal) newApplicationPage(rq *request) error {
	if rq.account.Profile.IDNumber == "" || rq.account.Profile.Education == "" || rq.account.Profile.Major == "" {
		// The guide's step 2 starts at 人才信息管理.
		return redirect(rq, "/profile", "")
	}
	v, err := p.formView(rq, data.Application{Form: data.Form{Method: data.MethodAssessment}}, "/applications/new")
	if err != nil {
		return err
	}
	p.render(rq, "application_form", "新申报", v, nil)
	return nil
}

// readForm reads the application fields of the form and copies the
// applicant's personal information and unit into them.
func (p *Portal) readForm(rq *request, f data.Form) (data.Form, error) {
	f.Series, f.Qualification, f.Level = trimmed(rq, "series"), trimmed(rq, "qualification"), trimmed(rq, "level")
	f.Method, f.LiaisonPointID = data.Method(trimmed(rq, "method")), trimmed(rq, "liaison_point")
	return p.withProfile(rq, f)
}

// withProfile copies the applicant's current personal information and
// unit into a form, so what is sent for review is what the profile says.
func (p *Portal) withProfile(rq *request, f data.Form) (data.Form, error) {
	a := rq.account
	u, err := p.db.Unit(rq.ctx(), a.UnitID)
	if err != nil {
		return f, err
	}
	f.ApplicantID, f.Name, f.IDNumber, f.Mobile = a.ID, a.Name, a.Profile.IDNumber, a.Mobile
	f.Education, f.Major, f.WorkingYears = a.Profile.Education, a.Profile.Major, a.Profile.WorkingYears
	f.UnitID, f.UnitName, f.UnitCreditCode = u.ID, u.Name, u.CreditCode
	return f, nil
}

func (p *Portal) newApplication(rq *request) error {
	f, err := p.readForm(rq, data.Form{})
	if err != nil {
		return err
	}
	app := &data.Application{ID: uuid.NewString(), Form: f}
	if err = checkChoices(f); err == nil {
		err = p.db.CreateApplication(rq.ctx(), app, p.actor(rq), p.Now())
	}
	if formError(err) {
		v, verr := p.formView(rq, *app, "/applications/new")
		if verr != nil {
			return verr
		}
		p.render(rq, "application_form", "新申报", v, err)
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(rq, "/applications/"+app.ID, "created")
}

// checkChoices tells what is missing from the form's own fields before a
// draft is saved; the rest is checked at 送审.
func checkChoices(f data.Form) error {
	for _, c := range []struct{ v, label string }{
		{f.Series, "系列"}, {f.Qualification, "资格"}, {f.Level, "申报级别"}, {f.LiaisonPointID, "人才联络点"}, {string(f.Method), "申请方式"},
	} {
		if c.v == "" {
			return data.Errorf(data.EINVALID, "请选择或填写%s", c.label)
		}
	}
	return nil
}

func (p *Portal) application(rq *request) error {
	app, err := p.loadApplication(rq)
	if err != nil {
		return err
	}
	v, err := p.view(rq, app)
	if err != nil {
		return err
	}
	p.render(rq, "application", "申请 "+app.No, v, nil)
	return nil
}

func (p *Portal) editApplicationPage(rq *request) error {
	app, err := p.loadApplication(rq)
	if err != nil {
		return err
	}
	v, err := p.formView(rq, *app, "/applications/"+app.ID+"/edit")
	if err != nil {
		return err
	}
	p.render(rq, "application_form", "修改申请 "+app.No, v, nil)
	return nil
}

func (p *Portal) editApplication(rq *request) error {
	app, err := p.loadApplication(rq)
	if err != nil {
		return err
	}
	f, err := p.readForm(rq, app.Form)
	if err != nil {
		return err
	}
	if err = checkChoices(f); err == nil {
		err = p.command(rq, app, data.Command{Action: data.ActionEdit, Form: &f})
	}
	if formError(err) {
		edited := *app
		edited.Form = f
		v, verr := p.formView(rq, edited, "/applications/"+app.ID+"/edit")
		if verr != nil {
			return verr
		}
		p.render(rq, "application_form", "修改申请 "+app.No, v, err)
		return nil
	}
	if err != nil {
		return err
	}
	return redirect(rq, "/applications/"+app.ID, "saved")
}

// command applies one command of the visitor to app at the version the
// page showed, so a page left open while something else changed the
// application is told so instead of overwriting it.
func (p *Portal) command(rq *request, app *data.Application, cmd data.Command) error {
	cal, err := p.db.Calendar(rq.ctx())
	if err != nil {
		return err
	}
	version, err := strconv.ParseInt(rq.r.PostFormValue("version"), 10, 64)
	if err != nil {
		return data.Errorf(data.EINVALID, "页面缺少版本信息，请刷新后重试")
	}
	cmd.ID, cmd.ApplicationID, cmd.ExpectedVersion, cmd.Actor = uuid.NewString(), app.ID, version, p.actor(rq)
	_, err = p.db.Apply(rq.ctx(), cmd, data.Env{Now: p.Now(), Calendar: cal})
	return err
}

// applicationError shows a refused command on the application's page.
func (p *Portal) applicationError(rq *request, app *data.Application, page string, err error) error {
	if !formError(err) && data.ErrorCode(err) != data.EFORBIDDEN {
		return err
	}
	if fresh, ferr := p.db.Application(rq.ctx(), app.ID); ferr == nil {
		app = fresh
	}
	v, verr := p.view(rq, app)
	if verr != nil {
		return verr
	}
	p.render(rq, page, "申请 "+app.No, v, err)
	return nil
}

// upload stores one scan after checking that it decodes as JPEG or PNG
// within the limits, then adds it to the application with an edit.
func (p *Portal) upload(rq *request) error {
	app, err := p.loadApplication(rq)
	if err != nil {
		return err
	}
	if err := p.addScan(rq, app); err != nil {
		return p.applicationError(rq, app, "application", err)
	}
	return redirect(rq, "/applications/"+app.ID, "uploaded")
}

func (p *Portal) addScan(rq *request, app *data.Application) error {
	kind := rq.r.PostFormValue("kind")
	if !slices.Contains(data.MaterialKinds, kind) {
		return data.Errorf(data.EINVALID, "请选择材料类别")
	}
	if err := p.uploading(rq); err != nil {
		return err
	}
	file, header, err := rq.r.FormFile("file")
	if err != nil {
		return data.Errorf(data.EINVALID, "请选择要上传的扫描件或照片")
	}
	defer file.Close()
	b, err := blobstore.ReadLimited(file)
	if err != nil {
		return err
	}
	name := path.Base(strings.ReplaceAll(header.Filename, `\`, "/"))
	contentType, display, err := blobstore.CheckScan(b, name)
	if err != nil {
		return err
	}
	at := data.Attachment{ID: uuid.NewString(), Kind: kind, FileName: name, Size: int64(len(b)), ContentType: contentType}
	if at.SHA256, err = p.blobs.Put(b); err != nil {
		return err
	}
	if display != nil {
		if at.DisplaySHA256, err = p.blobs.Put(display); err != nil {
			return err
		}
	}
	f, err := p.withProfile(rq, app.Form)
	if err == nil {
		f.Attachments = append(slices.Clone(f.Attachments), at)
		err = p.command(rq, app, data.Command{Action: data.ActionEdit, Form: &f})
	}
	if err != nil {
		// A refused upload leaves nothing behind, unless the same file is
		// another material's.
		for _, sum := range []string{at.SHA256, at.DisplaySHA256} {
			if named, rerr := p.db.BlobReferenced(rq.ctx(), sum); sum != "" && rerr == nil && !named {
				p.blobs.Remove(sum)
			}
		}
	}
	return err
}

func (p *Portal) deleteMaterial(rq *request) error {
	app, err := p.loadApplication(rq)
	if err != nil {
		return err
	}
	f, err := p.withProfile(rq, app.Form)
	if err != nil {
		return err
	}
	id := rq.r.PathValue("attachment")
	f.Attachments = slices.DeleteFunc(slices.Clone(f.Attachments), func(a data.Attachment) bool { return a.ID == id })
	if err := p.command(rq, app, data.Command{Action: data.ActionEdit, Form: &f}); err != nil {
		return p.applicationError(rq, app, "application", err)
	}
	return redirect(rq, "/applications/"+app.ID, "deleted")
}

// submit sends the application for the unit's review (送审). Personal
// information changed since the last save is copied in first.
func (p *Portal) submit(rq *request) error {
	app, err := p.loadApplication(rq)
	if err != nil {
		return err
	}
	err = p.submitOnce(rq, app)
	if err != nil {
		return p.applicationError(rq, app, "application", err)
	}
	return redirect(rq, "/applications/"+app.ID, "submitted")
}

func (p *Portal) submitOnce(rq *request, app *data.Application) error {
	// The state machine refuses a submission that lacks a required
	// material (needValidForm), saying which.
	f, err := p.withProfile(rq, app.Form)
	if err != nil {
		return err
	}
	if !sameForm(f, app.Form) {
		if err := p.command(rq, app, data.Command{Action: data.ActionEdit, Form: &f}); err != nil {
			return err
		}
		rq.r.PostForm.Set("version", strconv.FormatInt(app.Version+1, 10))
	}
	return p.command(rq, app, data.Command{Action: data.ActionSubmit})
}

// sameForm compares the fields withProfile sets.
func sameForm(a, b data.Form) bool {
	a.Attachments, b.Attachments = nil, nil
	return reflect.DeepEqual(a, b)
}

func (p *Portal) withdraw(rq *request) error {
	app, err := p.loadApplication(rq)
	if err != nil {
		return err
	}
	if err := p.command(rq, app, data.Command{Action: data.ActionWithdraw, Note: trimmed(rq, "note")}); err != nil {
		return p.applicationError(rq, app, "application", err)
	}
	return redirect(rq, "/applications/"+app.ID, "withdrawn")
}

// formPDF prints the 申报表 the bureau sealed at its review. Each print is
// an audit event, as at the counter.
func (p *Portal) formPDF(rq *request) error {
	app, err := p.loadApplication(rq)
	if err != nil {
		return err
	}
	if app.FormSeal == "" {
		return data.Errorf(data.EINVALID, "申报表在市局复审通过后才能打印")
	}
	payload, err := forms.ParsePayload(app.FormSeal)
	if err != nil {
		return err
	}
	pt, err := p.db.LiaisonPoint(rq.ctx(), app.LiaisonPointID)
	if err != nil {
		return err
	}
	now := p.Now()
	printed, err := forms.Render(forms.FormOf(app, pt.Name, int64(payload.Version)), forms.Sealer{Payload: app.FormSeal}, now)
	if err != nil {
		return err
	}
	cal, err := p.db.Calendar(rq.ctx())
	if err != nil {
		return err
	}
	cmd := data.Command{ID: uuid.NewString(), Action: data.ActionPrint, Document: data.DocForm, ApplicationID: app.ID, Actor: p.actor(rq)}
	if _, err := p.db.Apply(rq.ctx(), cmd, data.Env{Now: now, Calendar: cal}); err != nil {
		return err
	}
	rq.w.Header().Set("Content-Type", "application/pdf")
	rq.w.Header().Set("Content-Disposition", `attachment; filename="shenbaobiao-`+app.No+`.pdf"`)
	_, err = rq.w.Write(printed.PDF)
	return err
}

// scan sends one scan of an application the visitor may see.
func (p *Portal) scan(rq *request) error {
	app, err := p.loadApplication(rq)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(app.Attachments, func(a data.Attachment) bool { return a.ID == rq.r.PathValue("attachment") })
	if i < 0 {
		return data.Errorf(data.ENOTFOUND, "找不到该材料")
	}
	at := app.Attachments[i]
	// The display rendition, unless the original is asked for (下载原件).
	sum, contentType := at.SHA256, at.ContentType
	if at.DisplaySHA256 != "" && rq.r.URL.Query().Get("original") == "" {
		sum, contentType = at.DisplaySHA256, "image/jpeg"
	}
	f, err := p.blobs.Open(sum)
	if err != nil {
		return err
	}
	defer f.Close()
	rq.w.Header().Set("Content-Type", contentType)
	rq.w.Header().Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(rq.w, rq.r, "", time.Time{}, f)
	return nil
}
