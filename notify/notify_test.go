package notify

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"

	"titledesk/data"
	"titledesk/data/sqlite"
	"titledesk/demo"
)

// queued makes a real SMS in a real store: an application passed by the
// bureau queues one.
func queued(t *testing.T) *sqlite.Store {
	t.Helper()
	db, err := sqlite.OpenServer(filepath.Join(t.TempDir(), "server.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	p := &data.LiaisonPoint{ID: uuid.NewString(), Code: "DLXH", Name: "东莞市电力行业协会", Address: "南城街道鸿福路 1 号", Active: true}
	if err := db.SaveLiaisonPoint(context.Background(), p); err != nil {
		t.Fatal(err)
	}
	passed(t, db, p, 1)
	return db
}

// passed drives application i of point p to the bureau's pass; the
// messages of the steps before it are sent by then.
func passed(t *testing.T, db *sqlite.Store, p *data.LiaisonPoint, i int) {
	t.Helper()
	ctx := context.Background()
	a := demo.Application(i, p, demo.Unit(1), []data.Attachment{{ID: "s1", Kind: "居民身份证", FileName: "id.jpg",
		SHA256: "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", ContentType: "image/jpeg"}})
	if err := demo.Create(ctx, db, a, time.Now().AddDate(0, 0, -60)); err != nil {
		t.Fatal(err)
	}
	cast := demo.Cast{Clerk: data.Actor{ID: "c", Name: "陈晓敏", Role: data.RoleClerk, LiaisonPointID: p.ID},
		Reviewer: data.Actor{ID: "r", Name: "王立新", Role: data.RoleBureau}}
	if _, err := demo.Drive(ctx, db, a, data.StatusAwaitingPaper, cast, time.Now()); err != nil {
		t.Fatal(err)
	}
	// The steps before texted too: those went out long ago.
	msgs, err := db.PendingSMS(ctx, time.Now(), 100)
	if err != nil || len(msgs) == 0 || msgs[len(msgs)-1].Template != passKey {
		t.Fatalf("queued %+v %v", msgs, err)
	}
	for _, m := range msgs[:len(msgs)-1] {
		if err := db.MarkSMS(ctx, m.ID, nil, m.CreatedAt, m.CreatedAt); err != nil {
			t.Fatal(err)
		}
	}
}

// passKey is the bureau_pass message's key: the one queued to deliver.
const passKey = "bureau_pass/applicant"

func TestGatewayDeliveryAndRetry(t *testing.T) {
	db := queued(t)
	var (
		fail bool
		got  []*http.Request
		body gatewayRequest
	)
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r)
		json.NewDecoder(r.Body).Decode(&body)
		if fail {
			http.Error(w, "busy", http.StatusServiceUnavailable)
		}
	}))
	defer gw.Close()
	d := &Deliverer{Queue: db, Provider: &Gateway{URL: gw.URL, APIKey: "k", Templates: map[string]string{passKey: "SMS_1001"}},
		RetryBase: time.Hour}
	ctx := context.Background()

	fail = true
	if n, err := d.DeliverDue(ctx); n != 0 || err != nil {
		t.Fatalf("a failing gateway: %d sent, %v", n, err)
	}
	msgs, _ := db.SMSLog(ctx, 10)
	if msgs[0].Template != passKey || msgs[0].Attempts != 1 || msgs[0].LastError == "" || !msgs[0].NextAt.After(time.Now().Add(40*time.Minute)) {
		t.Fatalf("after a failure: %+v", msgs)
	}
	fail = false
	if n, _ := d.DeliverDue(ctx); n != 0 {
		t.Error("retried before its back-off ended")
	}
	d.Queue = dueNow{db}
	if n, err := d.DeliverDue(ctx); n != 1 || err != nil {
		t.Fatalf("retry: %d sent, %v", n, err)
	}
	r := got[len(got)-1]
	if r.Header.Get("Idempotency-Key") != msgs[0].DedupeKey || r.Header.Get("Authorization") != "Bearer k" ||
		body.TemplateID != "SMS_1001" || body.Mobile != msgs[0].Mobile || body.Text != msgs[0].Text {
		t.Errorf("gateway got %v %+v", r.Header, body)
	}
	if msgs, _ = db.SMSLog(ctx, 10); msgs[0].SentAt.IsZero() || msgs[0].Attempts != 2 {
		t.Errorf("not marked sent: %+v", msgs[0])
	}
	if n, _ := d.DeliverDue(ctx); n != 0 || len(got) != 2 {
		t.Errorf("a sent message went out again (%d calls)", len(got))
	}
}

// dueNow asks the store for what is due an hour and more from now, as if
// the back-off had passed.
type dueNow struct{ *sqlite.Store }

func (q dueNow) PendingSMS(ctx context.Context, now time.Time, limit int) ([]data.SMS, error) {
	return q.Store.PendingSMS(ctx, now.Add(3*time.Hour), limit)
}

// TestShutdownLetsASendInFlightFinish: the server stops while the gateway
// is taking a message. The send finishes and is noted as sent, so the next
// start does not send it again; no other message is started.
func TestShutdownLetsASendInFlightFinish(t *testing.T) {
	db := queued(t)
	taking, stop := make(chan struct{}), make(chan struct{})
	gw := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		close(taking)
		<-stop // the server shuts down while this request is in flight
	}))
	defer gw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	d := &Deliverer{Queue: db, Provider: &Gateway{URL: gw.URL, APIKey: "k"}, RetryBase: time.Hour}
	go func() {
		<-taking
		cancel()
		time.Sleep(50 * time.Millisecond)
		close(stop)
	}()
	if n, err := d.DeliverDue(ctx); n != 1 || err != nil {
		t.Fatalf("delivered %d while shutting down: %v", n, err)
	}
	if msgs, _ := db.SMSLog(context.Background(), 10); msgs[0].Template != passKey || msgs[0].SentAt.IsZero() {
		t.Errorf("the message the gateway took is not noted as sent: %+v", msgs)
	}
}
