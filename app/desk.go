// Package app is what a clerk or a bureau reviewer can do at a workstation:
// enroll it, log in, work the queues, decide, check papers at the counter,
// print and record payments, all offline first. It knows no Fyne and no
// HTTP details; ui drives it and tests drive it the same way.
package app

import (
	"context"
	"crypto/ed25519"
	"os"
	"path/filepath"
	stdsync "sync"
	"time"

	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/data/sqlite"
	"titledesk/forms"
	tdsync "titledesk/sync"
)

// Desk is one workstation: its local database, its identity and the clerk
// at it.
type Desk struct {
	Store *sqlite.Store
	Dir   string
	// Now is the clock; tests set it.
	Now func() time.Time

	mu      stdsync.Mutex
	id      *sqlite.Identity
	key     ed25519.PrivateKey
	syncer  *tdsync.Syncer
	clerk   *data.Clerk
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
	d := &Desk{Store: st, Dir: dir, Now: time.Now, failed: map[string]int{}, lockout: map[string]time.Time{}}
	id, err := st.Identity(context.Background())
	switch {
	case err == nil:
		if err := d.adopt(id); err != nil {
			st.Close()
			return nil, err
		}
	case data.ErrorCode(err) != data.ENOTFOUND:
		st.Close()
		return nil, err
	}
	return d, nil
}

// Close stops the sync loop and closes the database.
func (d *Desk) Close() error {
	d.mu.Lock()
	if d.cancel != nil {
		d.cancel()
	}
	d.mu.Unlock()
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
	d.syncer = &tdsync.Syncer{Local: d.Store, Client: &tdsync.Client{BaseURL: id.ServerURL, HTTP: httpc, Token: id.Token},
		Blobs: d.Blobs(), Prefetch: prefetch[id.Device.Role]}
	return nil
}

// Blobs is the desk's store of scans and proof photos.
func (d *Desk) Blobs() blobstore.Dir { return blobstore.Dir(filepath.Join(d.Dir, "blobs")) }

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
	c := &tdsync.Client{BaseURL: serverURL, HTTP: httpc}
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
