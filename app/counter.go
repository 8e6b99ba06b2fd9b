package app

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"time"

	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/idcard"
)

// Accept takes the paper materials, every attachment checked, and
// prepares the 受理回执 and, when the bureau's finance system has issued
// it, the 缴款通知书, for the preview to print. A notice that arrives later
// is texted to the applicant and printed from 待缴费.
func (d *Desk) Accept(ctx context.Context, applicationID string, checks []data.AttachmentCheck) (*View, []*Printout, error) {
	v, err := d.Do(ctx, data.Command{Action: data.ActionPaperAccept, ApplicationID: applicationID, Checks: checks})
	if err != nil {
		return nil, nil, err
	}
	kinds := []data.Document{data.DocReceipt}
	if slices.ContainsFunc(v.Actions, func(t data.Transition) bool { return t.Action == data.ActionPrint && t.Document == data.DocPayment }) {
		kinds = append(kinds, data.DocPayment)
	}
	var prints []*Printout
	for _, kind := range kinds {
		p, err := d.Prepare(ctx, applicationID, kind)
		if err != nil {
			return v, prints, err
		}
		prints = append(prints, p)
	}
	v, err = d.View(ctx, applicationID)
	return v, prints, err
}

// Deficient lists every deficiency at once and prepares the 一次性告知书
// with its deadline in working days.
func (d *Desk) Deficient(ctx context.Context, applicationID string, checks []data.AttachmentCheck, reasons []string, note string) (*View, *Printout, error) {
	if _, err := d.Do(ctx, data.Command{Action: data.ActionPaperDeficient, ApplicationID: applicationID, Checks: checks, Reasons: reasons, Note: note}); err != nil {
		return nil, nil, err
	}
	p, err := d.Prepare(ctx, applicationID, data.DocNotice)
	if err != nil {
		return nil, nil, err
	}
	v, err := d.View(ctx, applicationID)
	return v, p, err
}

// PaymentInput is what the clerk types from the receipt (票据第三联), the
// payment screenshot or the e-receipt.
type PaymentInput struct {
	Channel   string   // a Channels name
	Amount    data.Fen // as the proof says: the state machine takes only the notice's
	ReceiptNo string   // the channel's reference (Channel.RefLabel)
	PaidAt    time.Time
	ProofFile string // photo or screenshot, optional
}

// Channel is a way to pay and the reference it leaves.
type Channel = data.Channel

// Channels are the ways to pay, in the order the counter offers them.
var Channels = data.PaymentChannels

// RecordPayment records a payment; the state machine decides whether it
// stands (needPayment), here at once and on the server again.
func (d *Desk) RecordPayment(ctx context.Context, applicationID string, in PaymentInput) (*View, error) {
	var err error
	proof := ""
	if in.ProofFile != "" {
		if proof, err = d.importProof(in.ProofFile); err != nil {
			return nil, err
		}
	}
	clerk := d.Clerk()
	if clerk == nil {
		return nil, data.Errorf(data.EUNAUTHORIZED, "请先登录")
	}
	return d.Do(ctx, data.Command{Action: data.ActionPaymentRecord, ApplicationID: applicationID,
		Payment: &data.Payment{Amount: in.Amount, ReceiptNo: data.NormalizeRef(in.ReceiptNo), Channel: in.Channel, ProofSHA256: proof,
			PaidAt: in.PaidAt, RecordedAt: d.Now(), RecordedBy: clerk.Name, RecordedByID: clerk.ID}})
}

// importProof checks a proof image and keeps it in the desk's blob store,
// returning its SHA-256; sync uploads it before the command that names it.
func (d *Desk) importProof(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", data.Errorf(data.EINVALID, "无法读取文件 %s：%w", filepath.Base(path), err)
	}
	defer f.Close()
	b, err := blobstore.ReadLimited(f)
	if err != nil {
		return "", err
	}
	if _, err := blobstore.CheckImage(b, filepath.Base(path)); err != nil {
		return "", err
	}
	return d.Blobs().Put(b)
}

// CardCheck is the counter check's 居民身份证 item marked from a read card.
type CardCheck struct {
	Item int    // index of the application's 居民身份证 attachment
	Note string // "已读卡核验，有效期至 …"
	Card *data.IDCard
}

// ReadCard reads the identity card on the reader and compares it with the
// application on the server's date (data.CheckCard). A card that differs
// or has expired, or a reader that fails, is an error saying why; nothing
// is marked then.
func (d *Desk) ReadCard(ctx context.Context, applicationID string) (*CardCheck, error) {
	// The card first: a reader watched for a card mostly has none.
	card, err := d.readCard(ctx)
	if err != nil {
		return nil, err
	}
	v, err := d.View(ctx, applicationID)
	if err != nil {
		return nil, err
	}
	return d.checkCard(v, card)
}

// readCard reads the card on the desk's reader.
func (d *Desk) readCard(ctx context.Context) (*data.IDCard, error) {
	d.mu.Lock()
	reader := d.CardReader // 设置 may change it while a check watches for a card
	d.mu.Unlock()
	if reader == nil {
		return nil, data.Errorf(data.EINVALID, "本机没有设置身份证阅读器")
	}
	card, err := reader.Read(ctx)
	if err != nil && !NoCard(err) {
		d.Log.Warn("card read failed", "err", err)
	}
	return card, err
}

// checkCard compares card with the application and says which item it marks.
func (d *Desk) checkCard(v *View, card *data.IDCard) (*CardCheck, error) {
	item := slices.IndexFunc(v.Attachments, func(at data.Attachment) bool { return at.Kind == data.IDCardKind })
	if item < 0 {
		return nil, data.Errorf(data.EINVALID, "申请 %s 的材料中没有%s", v.No, data.IDCardKind)
	}
	note, err := data.CheckCard(&v.Application, *card, d.Now())
	if err != nil {
		return nil, err
	}
	return &CardCheck{Item: item, Note: note, Card: card}, nil
}

// NoCard is whether err is a read with no card on the reader.
func NoCard(err error) bool { return errors.Is(err, idcard.ErrNoCard) }

// CardReaders is whether this system can use identity-card readers: their
// SDK is a Windows DLL.
const CardReaders = runtime.GOOS == "windows"

// CardReaderSetting is the desk's reader setting (设置).
func (d *Desk) CardReaderSetting(ctx context.Context) (data.CardReaderSetting, error) {
	return d.Store.CardReader(ctx)
}

// SetCardReader sets the desk's reader, checked to be a DLL the helpers
// can load, and uses it from now on; a zero setting removes it.
func (d *Desk) SetCardReader(ctx context.Context, c data.CardReaderSetting) error {
	if c.DLL != "" {
		if _, err := idcard.HelperFor(c.DLL); err != nil {
			return err
		}
	}
	if err := d.Store.SetCardReader(ctx, c); err != nil {
		return err
	}
	d.useCardReader(c)
	return nil
}

// useCardReader reads cards through c's DLL with the helpers installed
// beside the desk's program.
func (d *Desk) useCardReader(c data.CardReaderSetting) {
	var reader idcard.Reader
	if c.DLL != "" {
		exe, _ := os.Executable()
		reader = idcard.Termb{DLL: c.DLL, Port: c.Port, HelperDir: filepath.Dir(exe)}
	}
	d.mu.Lock()
	d.CardReader = reader
	d.mu.Unlock()
}

// CardRead is an application found by the identity card on the reader.
type CardRead struct {
	View *View
	// Check marks the 居民身份证; nil when the card does not pass, and
	// Refused says why (the name differs, it has expired).
	Check   *CardCheck
	Refused error
}

// ApplicationOfCard reads the card on the reader and opens the newest
// application of its identity number on this desk (the scan box's 读卡),
// with the card compared as ReadCard does.
func (d *Desk) ApplicationOfCard(ctx context.Context) (*CardRead, error) {
	card, err := d.readCard(ctx)
	if err != nil {
		return nil, err
	}
	if err := data.ValidateIDNumber(card.Number); err != nil {
		return nil, data.Errorf(data.EINVALID, "读到的身份证号码无效，请重新放卡")
	}
	found, _, err := d.Queue(ctx, data.ApplicationFilter{Search: card.Number, Limit: 50})
	if err != nil {
		return nil, err
	}
	found = slices.DeleteFunc(found, func(a data.ApplicationSummary) bool { return data.Normalize(a.IDNumber) != card.Number })
	if len(found) == 0 {
		return nil, data.Errorf(data.ENOTFOUND, "本联络点没有身份证号 %s（%s）的申请", data.MaskIDNumber(card.Number), card.Name)
	}
	newest := slices.MaxFunc(found, func(a, b data.ApplicationSummary) int { return a.SubmittedAt.Compare(b.SubmittedAt) })
	v, err := d.View(ctx, newest.ID)
	if err != nil {
		return nil, err
	}
	read := &CardRead{View: v}
	read.Check, read.Refused = d.checkCard(v, card)
	return read, nil
}

// Offering are the applications f finds (in the statuses action starts
// from, when f names none) that the state machine lets the person logged
// in take action on now, at most BatchLimit of them: 逾期退件 of those past
// their supplement deadline, 发证 of those paid.
func (d *Desk) Offering(ctx context.Context, action data.Action, f data.ApplicationFilter) ([]data.ApplicationSummary, error) {
	if len(f.Statuses) == 0 {
		f.Statuses = data.ActionStatuses(action)
	}
	f.Limit, f.Offset = BatchLimit, 0
	rows, _, err := d.Queue(ctx, f)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(rows, func(r data.ApplicationSummary) bool {
		v, err := d.View(ctx, r.ID)
		return err != nil || !slices.ContainsFunc(v.Actions, func(t data.Transition) bool { return t.Action == action })
	}), nil
}

// BatchLimit bounds the applications one confirmation decides on.
const BatchLimit = 500

// Expirable are the applications the clerk may take 逾期退件 on now,
// soonest deadline first.
func (d *Desk) Expirable(ctx context.Context) ([]data.ApplicationSummary, error) {
	return d.Offering(ctx, data.ActionPaperExpire, data.ApplicationFilter{DeadlineBefore: d.Now()})
}

// DoAll issues cmd on each of rows, each on the version the person was
// shown. A refusal does not stop the others: refused holds the rows the
// state machine refused, and why, each.
func (d *Desk) DoAll(ctx context.Context, rows []data.ApplicationSummary, cmd data.Command) (done int, refused []Refusal) {
	for _, r := range rows {
		cmd.ApplicationID, cmd.ExpectedVersion = r.ID, r.Version
		if _, err := d.Do(ctx, cmd); err != nil {
			refused = append(refused, Refusal{r, err})
			continue
		}
		done++
	}
	return done, refused
}

// Refusal is an application a decision on many was not taken on, and why.
type Refusal struct {
	Row data.ApplicationSummary
	Err error
}
