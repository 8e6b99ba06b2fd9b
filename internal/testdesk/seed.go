// Package testdesk fills a workstation's data folder with a realistic
// enrolled liaison-point desk: its identity, clerk, reference data, scans
// and applications in every status a clerk works on. UI tests, benchmarks
// and screenshots start from it; the desk then works offline as in the
// field.
package testdesk

import (
	"context"
	"crypto/ed25519"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/data/sqlite"
	"titledesk/demo"
	"titledesk/forms"
)

// Password is the fixture clerk's password; Login their login.
const (
	Login    = "chen"
	Password = "柜台密码2026!"
)

// Showcase is how many hand-driven applications of each status the
// fixture holds; bulk ones are copies of them under other names.
var Showcase = []struct {
	Status data.Status
	N      int
}{
	{data.StatusLiaisonReview, 6},
	{data.StatusBureauRejected, 2},
	{data.StatusAwaitingPaper, 3},
	{data.StatusPaperDeficient, 2},
	{data.StatusAwaitingPayment, 3},
	{data.StatusBureauReview, 2},
	{data.StatusPaid, 2},
	{data.StatusCertified, 1},
	{data.StatusReturnedToApplicant, 1},
	{data.StatusExpired, 1},
}

// Fixture is what Seed made.
type Fixture struct {
	Point       *data.LiaisonPoint
	Clerk       *data.Clerk
	BureauKeyID string
	BureauKey   ed25519.PrivateKey
	// Apps are the showcase applications per status, as stored.
	Apps map[data.Status][]*data.Application
	// Overdue is a paper_deficient application whose supplement deadline
	// has passed (paper_expire applies).
	Overdue *data.Application
}

// Seed writes an enrolled clerk desk into dir (open it with app.Open
// afterwards) with the showcase applications and bulk copies up to total.
// The server URL points nowhere: the desk is offline.
func Seed(ctx context.Context, dir string, total int, now time.Time) (*Fixture, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	st, err := sqlite.Open(filepath.Join(dir, "titledesk.db"))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	work, err := os.MkdirTemp("", "testdesk-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	srv, err := sqlite.OpenServer(filepath.Join(work, "server.db"))
	if err != nil {
		return nil, err
	}
	defer srv.Close()

	f := &Fixture{Apps: map[data.Status][]*data.Application{}}
	bureauPEM, bureauID, err := forms.NewKey()
	if err != nil {
		return nil, err
	}
	f.BureauKeyID = bureauID
	if f.BureauKey, err = forms.ParseKey(bureauPEM); err != nil {
		return nil, err
	}
	devPEM, _, err := forms.NewKey()
	if err != nil {
		return nil, err
	}
	devKey, _ := forms.ParseKey(devPEM)
	devPub := devKey.Public().(ed25519.PublicKey)
	f.Point = &data.LiaisonPoint{ID: uuid.NewString(), Code: "DLXH", Name: "东莞市电力行业协会", Place: "南城街道",
		Address: "东莞市南城街道鸿福路 106 号", Phone: "0769-22881234", Active: true}
	hash, err := data.HashPassword(Password)
	if err != nil {
		return nil, err
	}
	f.Clerk = &data.Clerk{ID: uuid.NewString(), Login: Login, Name: "陈晓敏", Role: data.RoleClerk, LiaisonPointID: f.Point.ID,
		PasswordHash: hash, Active: true}
	id := &sqlite.Identity{ServerURL: "https://127.0.0.1:9", Fingerprint: fingerprint(bureauID),
		Device: data.Device{ID: uuid.NewString(), Code: "D07", Role: data.RoleClerk, LiaisonPointID: f.Point.ID,
			PublicKey: devPub, KeyID: data.KeyID(devPub), Hostname: "柜台一", EnrolledAt: now.AddDate(0, -1, 0)},
		Token: "offline", PrivateKey: devPEM, BureauKeyID: bureauID, BureauPublicKey: f.BureauKey.Public().(ed25519.PublicKey)}
	for _, s := range []*sqlite.Store{st, srv} {
		if err := s.SaveLiaisonPoint(ctx, f.Point); err != nil {
			return nil, err
		}
	}
	if err := st.SaveIdentity(ctx, id); err != nil {
		return nil, err
	}
	if err := st.SaveClerk(ctx, f.Clerk); err != nil {
		return nil, err
	}
	srv.SealForm = forms.FormSealer(bureauID, f.BureauKey)
	blobs := blobstore.Dir(filepath.Join(dir, "blobs"))
	cast := demo.Cast{Clerk: f.Clerk.Actor(), Reviewer: data.Actor{ID: "reviewer-1", Name: "王立新", Role: data.RoleBureau}}
	var all []*data.Application
	i := 0
	for _, s := range Showcase {
		for k := 0; k < s.N; k++ {
			i++
			a := demo.Application(i, f.Point, demo.Unit(i), nil)
			if a.Attachments, err = scans(blobs, i, a); err != nil {
				return nil, err
			}
			if err := demo.Create(ctx, srv, a, now.AddDate(0, 0, -40-k)); err != nil {
				return nil, err
			}
			// Spread the last steps over the past weeks so deadlines differ;
			// the first paper_deficient one is past its deadline.
			at := now.Add(-time.Duration(k*26) * time.Hour)
			if s.Status == data.StatusPaperDeficient && k == 0 {
				at = now.AddDate(0, 0, -9)
			}
			if a, err = demo.Drive(ctx, srv, a, s.Status, cast, at); err != nil {
				return nil, err
			}
			f.Apps[s.Status] = append(f.Apps[s.Status], a)
			all = append(all, a)
		}
	}
	f.Overdue = f.Apps[data.StatusPaperDeficient][0]
	if err := st.SaveApplications(ctx, all); err != nil {
		return nil, err
	}
	return f, bulk(ctx, st, all, total-len(all))
}

// scanKinds are the materials every fixture application carries.
var scanKinds = []string{"居民身份证", "学历证书", "劳动合同或聘用证明", "单位审核意见及公示结果"}

// scans draws the applicant's scans (demo.Scan) into blobs and returns
// the attachments that name them.
func scans(blobs blobstore.Dir, i int, a *data.Application) ([]data.Attachment, error) {
	p := &demo.Person{Seq: i, Name: a.Name, IDNumber: a.IDNumber, Unit: a.UnitName, Major: a.Major}
	out := make([]data.Attachment, len(scanKinds))
	for k, kind := range scanKinds {
		at, err := demo.ScanAttachment(blobs, fmt.Sprintf("s%d", k+1), kind, p)
		if err != nil {
			return nil, err
		}
		out[k] = at
	}
	return out, nil
}

// bulk stores n copies of the templates under new numbers and names, in
// batches so memory stays flat.
func bulk(ctx context.Context, st *sqlite.Store, templates []*data.Application, n int) error {
	const batch = 5000
	year := time.Now().In(data.Shanghai).Year()
	var page []*data.Application
	for i := 0; i < n; i++ {
		t := templates[i%len(templates)]
		c := *t
		k := len(templates) + i + 1
		d := demo.Application(k, &data.LiaisonPoint{ID: t.LiaisonPointID}, demo.Unit(k), nil)
		c.ID, c.No = uuid.NewString(), fmt.Sprintf("%d%06d", year-1-i/900000, 100000+i%900000)
		c.Name, c.IDNumber, c.Mobile, c.Series, c.Qualification, c.Level, c.Major =
			d.Name, d.IDNumber, d.Mobile, d.Series, d.Qualification, d.Level, d.Major
		c.UnitID, c.UnitName, c.UnitCreditCode = d.UnitID, d.UnitName, d.UnitCreditCode
		c.SubmittedAt = t.SubmittedAt.Add(-time.Duration(i) * time.Minute)
		// Notices and payments are numbered per application, and the
		// payments spread back over the weeks, as a daily report sees them.
		if t.Notice != nil {
			n := *t.Notice
			n.No, n.PayCode = "N-DEMO-"+c.No, "4419"+c.No
			c.Notice = &n
		}
		if t.Payment != nil {
			p := *t.Payment
			p.ReceiptNo, p.PaidAt = "4400"+c.No, p.PaidAt.Add(-time.Duration(i)*97*time.Minute)
			c.Payment = &p
		}
		page = append(page, &c)
		if len(page) == batch || i == n-1 {
			if err := st.SaveApplications(ctx, page); err != nil {
				return err
			}
			page = page[:0]
		}
	}
	return nil
}

// fingerprint is a well-formed certificate pin for a server that is never
// reached.
func fingerprint(seed string) string {
	out := ""
	for i := 0; i < 32; i++ {
		if i > 0 {
			out += ":"
		}
		out += fmt.Sprintf("%02X", (int(seed[i%len(seed)])+i)%256)
	}
	return out
}
