// Package app is what a clerk or a bureau reviewer can do at a workstation:
// enroll it, log in, work the queues, decide, check papers at the counter,
// print and record payments, all offline first. It knows no Fyne and no
// HTTP details; ui drives it and tests drive it the same way.
package app

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	stdsync "sync"
	"time"

	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/data/sqlite"
	"titledesk/forms"
	"titledesk/idcard"
	"titledesk/printing"
	tdsync "titledesk/sync"
)

// Desk is one workstation: its local database, its identity and the clerk
// at it.
type Desk struct {
	Store *sqlite.Store
	Dir   string
	// Clock is the server's time as this desk reckons it (DESIGN.md
	// section 4); tests set its Local to a PC clock that is off.
	Clock *tdsync.Clock
	// Log is the desk's log file in its data folder, for support.
	Log *slog.Logger
	// Spooler prints; nil is the system's (printing.System).
	Spooler printing.Spooler
	// CardReader reads identity cards at the counter; nil when the desk has
	// none (设置).
	CardReader idcard.Reader

	mu      stdsync.Mutex
	id      *sqlite.Identity
	key     ed25519.PrivateKey
	syncer  *tdsync.Syncer
	clerk   *data.Clerk
	logFile io.Closer
	failed  map[string]int       // failed logins per login name
	lockout map[string]time.Time // login name → locked until
	cancel  context.CancelFunc
}

// Open opens the workstation's data folder, creating it on first run.
func Open(dir string) (*Desk, error) {
	if err := os.MkdirAll(filepath.Join(dir, "printed"), 0o700); err != nil {
		return nil, err
	}
	st, err := sqlite.Open(filepath.Join(dir, "titledesk.db"))
	if err != nil {
		return nil, err
	}
	d := &Desk{Store: st, Dir: dir, Clock: tdsync.NewClock(0), failed: map[string]int{}, lockout: map[string]time.Time{}}
	d.Log, d.logFile = openLog(dir)
	id, err := st.Identity(context.Background())
	switch {
	case err == nil:
		d.Clock = tdsync.NewClock(id.ClockOffset)
		if err := d.adopt(id); err != nil {
			st.Close()
			return nil, err
		}
	case data.ErrorCode(err) != data.ENOTFOUND:
		st.Close()
		return nil, err
	}
	reader, err := st.CardReader(context.Background())
	if err != nil {
		st.Close()
		return nil, err
	}
	d.useCardReader(reader)
	return d, nil
}

// Close stops the sync loop and closes the database.
func (d *Desk) Close() error {
	d.mu.Lock()
	if d.cancel != nil {
		d.cancel()
	}
	d.mu.Unlock()
	d.logFile.Close()
	return d.Store.Close()
}

// adopt takes an identity as this desk's: its key and a sync client pinned
// to the server's certificate.
func (d *Desk) adopt(id *sqlite.Identity) error {
	key, err := forms.ParseKey(id.PrivateKey)
	if err != nil {
		return err
	}
	httpc, err := tdsync.PinnedClient(id.Fingerprint, 60*time.Second)
	if err != nil {
		return err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.id, d.key = id, key
	d.syncer = &tdsync.Syncer{Local: d.Store, Client: &tdsync.Client{BaseURL: id.ServerURL, HTTP: httpc, Token: id.Token, Clock: d.Clock},
		Blobs: d.Blobs(), Prefetch: prefetch[id.Device.Role], Log: d.Log}
	return nil
}

// Now is the server's time as this desk reckons it: every date the desk
// stores or prints comes from here.
func (d *Desk) Now() time.Time { return d.Clock.Now() }

// ClockWarning is the banner to show when the PC's clock is off the
// server's by more than tdsync.ClockWarning, "" otherwise.
func (d *Desk) ClockWarning() string {
	off := d.Clock.Offset()
	word := "慢"
	if off < 0 {
		word, off = "快", -off
	}
	if off <= tdsync.ClockWarning {
		return ""
	}
	return fmt.Sprintf("本机时钟比市局服务器%s了%s：办理日期、单据日期和编号已按服务器时间，请联系信息科校准本机时钟。", word, spell(off))
}

// CalendarWarning is the banner a bureau desk shows while the working-day
// calendar lacks this year's holiday arrangement, or from 1 November on
// next year's: deadlines in it cannot be counted until the bureau imports
// it. "" otherwise, and on clerks' desks, who cannot import it.
func (d *Desk) CalendarWarning(ctx context.Context) string {
	if dev := d.Device(); dev == nil || dev.Role != data.RoleBureau {
		return ""
	}
	cal, err := d.Store.Calendar(ctx)
	if err != nil {
		return ""
	}
	if year, missing := cal.YearMissing(d.Now()); missing {
		return fmt.Sprintf("工作日日历中还没有 %d 年的节假日安排：请导入国务院办公厅的放假通知（admin calendar-import），否则该年的补正期限等无法计算。", year)
	}
	return ""
}

// spell says a clock offset as a clerk would: days, hours or minutes.
func spell(d time.Duration) string {
	switch {
	case d >= 23*time.Hour: // a day off, give or take the round trip
		return fmt.Sprintf("约 %.1f 天", d.Hours()/24)
	case d >= time.Hour:
		return fmt.Sprintf("约 %.1f 小时", d.Hours())
	}
	return fmt.Sprintf("约 %d 分钟", int(d.Minutes()))
}

// Blobs is the desk's store of scans and proof photos.
func (d *Desk) Blobs() blobstore.Dir { return blobstore.Dir(filepath.Join(d.Dir, "blobs")) }

// ScanPath is the file that shows a scan here: its display rendition, which
// the desk fetches ahead, or the original when there is none or only the
// original is on this PC.
func (d *Desk) ScanPath(a data.Attachment) string {
	if a.DisplaySHA256 != "" && (d.Blobs().Has(a.DisplaySHA256) || !d.Blobs().Has(a.SHA256)) {
		return d.Blobs().Path(a.DisplaySHA256)
	}
	return d.Blobs().Path(a.SHA256)
}

// FetchScan downloads the file ScanPath names for a, when a sync does not
// bring it ahead: a bureau reviewer's look at a paid application's scans
// or payment proof at 发证. Offline is data.EOFFLINE; a file the server
// does not hold or refuses is said as it says.
func (d *Desk) FetchScan(ctx context.Context, a data.Attachment) error {
	s := d.Syncer()
	if s == nil {
		return data.Errorf(data.EUNAUTHORIZED, "本工作站尚未注册")
	}
	sum := a.SHA256
	if d.ScanPath(a) != d.Blobs().Path(sum) {
		sum = a.DisplaySHA256
	}
	return s.Client.DownloadBlob(ctx, d.Blobs(), sum)
}

// prefetch names, per device role, the statuses whose scans the device
// downloads ahead: those its people act on.
var prefetch = map[data.Role][]data.Status{
	data.RoleClerk:  {data.StatusLiaisonReview, data.StatusBureauRejected, data.StatusAwaitingPaper, data.StatusPaperDeficient},
	data.RoleBureau: {data.StatusBureauReview},
}

// Enrolled reports whether this workstation has been enrolled.
func (d *Desk) Enrolled() bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.id != nil
}

// Device is this workstation's enrollment, nil before enrollment.
func (d *Desk) Device() *data.Device {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.id == nil {
		return nil
	}
	dev := d.id.Device
	return &dev
}

// Syncer is the sync loop of an enrolled desk.
func (d *Desk) Syncer() *tdsync.Syncer {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.syncer
}

// Enroll registers this workstation with the bureau server using a one-time
// code and the server certificate's fingerprint, then pulls what the
// workstation may see.
func (d *Desk) Enroll(ctx context.Context, serverURL, code, fingerprint, hostname string) error {
	if d.Enrolled() {
		return data.Errorf(data.ECONFLICT, "本工作站已注册；如需重新注册，请使用新的数据目录")
	}
	httpc, err := tdsync.PinnedClient(fingerprint, 30*time.Second)
	if err != nil {
		return err
	}
	keyPEM, _, err := forms.NewKey()
	if err != nil {
		return err
	}
	key, err := forms.ParseKey(keyPEM)
	if err != nil {
		return err
	}
	c := &tdsync.Client{BaseURL: serverURL, HTTP: httpc, Clock: d.Clock}
	resp, err := c.Enroll(ctx, tdsync.EnrollRequest{Code: code, PublicKey: key.Public().(ed25519.PublicKey), Hostname: hostname})
	if err != nil {
		if errorsIsUnreachable(err) {
			return data.Errorf(data.EUNAUTHORIZED, "无法连接服务器 %s：请检查地址和网络（%w）", serverURL, err)
		}
		return err
	}
	id := &sqlite.Identity{ServerURL: serverURL, Fingerprint: fingerprint, Device: resp.Device, Token: resp.Token,
		PrivateKey: keyPEM, BureauKeyID: resp.BureauKeyID, BureauPublicKey: resp.BureauPublicKey}
	if err := d.Store.SaveIdentity(ctx, id); err != nil {
		return err
	}
	if err := d.Store.SaveClock(ctx, d.Clock.Offset()); err != nil {
		return err
	}
	if err := d.adopt(id); err != nil {
		return err
	}
	return d.Syncer().SyncOnce(ctx)
}

// StartSync runs the background sync loop until Close, replacing a loop
// started before; sync.Syncer.Watch hears how it goes.
func (d *Desk) StartSync() {
	s := d.Syncer()
	if s == nil {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	d.mu.Lock()
	// A second login after the screen lock starts it again: one loop only.
	if d.cancel != nil {
		d.cancel()
	}
	d.cancel = cancel
	d.mu.Unlock()
	go s.Run(ctx)
}

// Retention is how many days this desk keeps commands the server answered,
// to send them again should the server be restored from an older backup.
func (d *Desk) Retention(ctx context.Context) (int, error) {
	id, err := d.Store.Identity(ctx)
	if err != nil {
		return 0, err
	}
	return id.RetentionDays, nil
}

// SetRetention sets it (设置).
func (d *Desk) SetRetention(ctx context.Context, days int) error {
	return d.Store.SetRetention(ctx, days)
}

// Notices are what sync did by itself that the clerk should know, newest
// first: recoveries after a restore of the server or of this desk.
func (d *Desk) Notices(ctx context.Context) ([]Notice, error) { return d.Store.Notices(ctx, 20) }
