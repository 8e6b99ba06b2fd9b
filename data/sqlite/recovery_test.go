package sqlite

import (
	"crypto/ed25519"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"titledesk/data"
)

// TestPushReplaysRefusalsAndStampsTimes: after a server restore a desk
// sends its answered commands again; one it was refused before is refused
// again as it was and not applied, though it would apply now; a replay
// claiming an outcome other than a refusal spoils the batch. Every outcome
// keeps the desk's time beside the server's.
func TestPushReplaysRefusalsAndStampsTimes(t *testing.T) {
	s, point, c, dev := pushServer(t)
	a := genApplication(rand.New(rand.NewPCG(3, 4)), 1)
	a.Status, a.LiaisonPointID = data.StatusLiaisonReview, point.ID
	if err := s.SaveApplications(ctx, []*data.Application{a}); err != nil {
		t.Fatal(err)
	}
	pass := data.PushedCommand{Seq: 1, At: t0, Command: data.Command{ID: "pass", Action: data.ActionLiaisonPass, ApplicationID: a.ID,
		ExpectedVersion: a.Version, Actor: c.Actor()}}
	bad := pass
	bad.Replay = &data.CommandResult{State: data.StateApplied}
	if _, _, err := s.Push(ctx, dev, []data.PushedCommand{bad}, time.Now()); data.ErrorCode(err) != data.EINVALID {
		t.Errorf("a replay claiming it was applied: %v, want invalid", err)
	}
	pass.Replay = &data.CommandResult{State: data.StateConflict, Code: data.ECONFLICT, Message: "已被他人处理"}
	results, acked, err := s.Push(ctx, dev, []data.PushedCommand{pass}, time.Now())
	if err != nil || acked != 1 || results[0].State != data.StateConflict || results[0].Message != "已被他人处理" {
		t.Fatalf("replayed refusal: %+v %d %v", results, acked, err)
	}
	if got, _ := s.Application(ctx, a.ID); got.Version != a.Version || got.Status != data.StatusLiaisonReview {
		t.Errorf("a replayed refusal was applied: %s v%d", got.Status, got.Version)
	}
	if n, _ := s.AuditCount(ctx, "pass"); n != 0 {
		t.Errorf("a replayed refusal is in the audit chain %d times", n)
	}
	var deskAt, at int64
	if err := s.read.QueryRow(`SELECT desk_at, at FROM command_results WHERE seq = 1`).Scan(&deskAt, &at); err != nil || deskAt != t0.UnixNano() || at <= t0.UnixNano() {
		t.Errorf("times kept: desk %d, server %d (%v)", deskAt, at, err)
	}
}

// TestCurrentReleaseDeskUpgrades: a desk database of the release before
// migration 026 opens with its queued commands as they were, in order,
// each after the same command; its applied entries are kept once settled.
func TestCurrentReleaseDeskUpgrades(t *testing.T) {
	s, path := openTest(t)
	a, b := counterAndReview(t, s, 29)
	for _, c := range []data.Command{
		clerkDecision("deficient", a, data.ActionPaperDeficient, 3), clerkDecision("reject", a, data.ActionPaperReject, 4),
		clerkDecision("pass-b", b, data.ActionLiaisonPass, 3),
	} {
		if _, err := s.Enqueue(ctx, c, localEnv, true, 0); err != nil {
			t.Fatalf("%s: %v", c.ID, err)
		}
	}
	queued, err := s.ToPush(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	s = reopenedAfter(t, s, path, before026)
	after, err := s.ToPush(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(after) != len(queued) {
		t.Fatalf("queued %d commands, %d after the upgrade", len(queued), len(after))
	}
	for i := range after {
		if after[i].Seq != queued[i].Seq || after[i].After != queued[i].After || after[i].Command.ID != queued[i].Command.ID || after[i].Replay != nil {
			t.Errorf("command %d: %+v, was %+v", i, after[i], queued[i])
		}
	}
	// The server applies b's pass; the pulled snapshot shows it: the entry
	// is settled, shown nowhere, and still kept for a server restore.
	if err := s.RecordResults(ctx, []data.CommandResult{{Seq: after[2].Seq, CommandID: "pass-b", State: data.StateApplied, Version: 4}}, after[2].Seq, t0); err != nil {
		t.Fatal(err)
	}
	b4 := *b
	b4.Version, b4.Status = 4, data.StatusBureauReview
	if err := s.ApplyChanges(ctx, []data.Change{change(t, &b4, 9)}, 9); err != nil {
		t.Fatal(err)
	}
	if entries, _ := s.OutboxFor(ctx, b.ID); len(entries) != 0 {
		t.Errorf("a settled entry is shown: %+v", entries)
	}
	if kept, _ := s.Kept(ctx); len(kept) != 3 {
		t.Errorf("kept %d entries, want all 3", len(kept))
	}
}

// TestRetention: settled entries go once answered longer ago than the
// retention window, not before; the window is a setting within bounds.
func TestRetention(t *testing.T) {
	s, _ := openTest(t)
	if err := s.SaveIdentity(ctx, &Identity{ServerURL: "https://127.0.0.1:8443", Device: data.Device{ID: "d1", Code: "D001"}, PrivateKey: []byte("key"), BureauPublicKey: []byte("pub")}); err != nil {
		t.Fatal(err)
	}
	_, b := counterAndReview(t, s, 31)
	seq, err := s.Enqueue(ctx, clerkDecision("pass-b", b, data.ActionLiaisonPass, 3), localEnv, true, 0)
	if err != nil {
		t.Fatal(err)
	}
	answered := t0.Add(time.Hour)
	if err := s.RecordResults(ctx, []data.CommandResult{{Seq: seq, CommandID: "pass-b", State: data.StateApplied, Version: 3}}, seq, answered); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		days, kept int
		at         time.Time
	}{{30, 1, answered.AddDate(0, 0, 29)}, {30, 1, answered.AddDate(0, 0, 30)}, {7, 0, answered.AddDate(0, 0, 8)}} {
		if err := s.SetRetention(ctx, tc.days); err != nil {
			t.Fatal(err)
		}
		if _, err := s.PurgeSettled(ctx, tc.at); err != nil {
			t.Fatal(err)
		}
		if kept, _ := s.Kept(ctx); len(kept) != tc.kept {
			t.Errorf("%d days, at %s: kept %d, want %d", tc.days, tc.at.Format(time.DateOnly), len(kept), tc.kept)
		}
	}
	if err := s.SetRetention(ctx, 3); data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), "保留期") {
		t.Errorf("a 3-day window: %v", err)
	}
}

// TestCheckpointMissing: events added after the last checkpoint are fine
// within a day and a half of it, and reported as a missing checkpoint
// after that; a checkpoint of a key that is not the bureau's is reported.
func TestCheckpointMissing(t *testing.T) {
	s, _ := openTest(t)
	a := newDraft(t, s)
	pub, priv, _ := ed25519.GenerateKey(nil)
	id := data.KeyID(pub)
	sign := func(m []byte) []byte { return ed25519.Sign(priv, m) }
	keys := map[string]ed25519.PublicKey{id: pub}
	if r, _ := s.VerifyAudit(ctx, keys, t0); len(r.Problems) != 1 || !strings.Contains(r.Problems[0].Text, "没有任何检查点") {
		t.Errorf("events and no checkpoint at all: %+v", r.Problems)
	}
	// A quiet weekend: the same head signed every day, nothing added.
	for day := -3; day <= 0; day++ {
		if _, err := s.Checkpoint(ctx, id, sign, "daily", t0.AddDate(0, 0, day)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Apply(ctx, data.Command{ID: "submit", Action: data.ActionSubmit, ApplicationID: a.ID, ExpectedVersion: 1, Actor: applicant},
		data.Env{Now: t0.Add(time.Hour), Calendar: data.DefaultCalendar()}); err != nil {
		t.Fatal(err)
	}
	if r, err := s.VerifyAudit(ctx, keys, t0.Add(30*time.Hour)); err != nil || !r.OK() {
		t.Errorf("a day after its checkpoint: %+v %v", r, err)
	}
	r, err := s.VerifyAudit(ctx, keys, t0.Add(40*time.Hour))
	if err != nil || len(r.Problems) != 1 || r.Problems[0].Kind != "missing" || !strings.Contains(r.Problems[0].Text, "缺少检查点") {
		t.Errorf("40 hours after its checkpoint: %+v %v", r, err)
	}
	other, _, _ := ed25519.GenerateKey(nil)
	if r, _ := s.VerifyAudit(ctx, map[string]ed25519.PublicKey{data.KeyID(other): other}, t0.Add(time.Hour)); len(r.Problems) != 1 || r.Problems[0].Kind != "forged" {
		t.Errorf("checked with another key: %+v", r.Problems)
	}
}

// TestBothRestored: a desk whose folder is older than the restored server's
// record of it (both were restored) keeps its acknowledged seq, so it still
// fetches the server's answers for the seqs it reused, and numbers its new
// command after them rather than be refused at every push.
func TestBothRestored(t *testing.T) {
	s, _ := openTest(t)
	if err := s.SaveIdentity(ctx, &Identity{ServerURL: "https://127.0.0.1:8443", Device: data.Device{ID: "d1", Code: "D001"}, PrivateKey: []byte("k"), BureauPublicKey: []byte("p")}); err != nil {
		t.Fatal(err)
	}
	_, review := counterAndReview(t, s, 5)
	if r, err := s.Reconcile(ctx, data.SyncState{Epoch: "E0", Head: 100}, t0); err != nil || !r.Rewound || r.Restored {
		t.Fatalf("first sync: %+v %v", r, err)
	}
	claim := func(id string) data.Command {
		return data.Command{ID: id, Action: data.ActionClaim, ApplicationID: review.ID, Actor: clerk}
	}
	for _, id := range []string{"c1", "c2"} {
		if _, err := s.Enqueue(ctx, claim(id), localEnv, false, 0); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.RecordResults(ctx, []data.CommandResult{{Seq: 1, CommandID: "c1", State: data.StateApplied, Version: 3}}, 1, t0); err != nil {
		t.Fatal(err)
	}
	// The folder is restored from here (acked 1, seq 2 pending); the clerk works on.
	if _, err := s.Enqueue(ctx, claim("new3"), localEnv, false, 0); err != nil {
		t.Fatal(err)
	}
	// The server, restored too, answered 2 and 3 (another command 3).
	server := []data.CommandResult{{Seq: 2, CommandID: "c2", State: data.StateApplied, Version: 3}, {Seq: 3, CommandID: "old3", State: data.StateApplied, Version: 3}}
	st := data.SyncState{Epoch: "E1", AckedSeq: 3, Head: 10}
	if r, err := s.Reconcile(ctx, st, t0); err != nil || !r.Restored {
		t.Fatalf("reconcile: %+v %v", r, err)
	}
	if acked, _ := s.AckedSeq(ctx); acked != 1 {
		t.Fatalf("acknowledged seq after the rewind: %d, want 1 (it never rises on a rewind)", acked)
	}
	if r, err := s.Renumber(ctx, st, server, nil, t0); err != nil || r.Matched != 1 || r.Moved != 1 {
		t.Fatalf("renumber: %+v %v", r, err)
	}
	push, err := s.ToPush(ctx, 10)
	if err != nil || len(push) != 1 || push[0].Seq != 4 || push[0].Command.ID != "new3" {
		t.Errorf("to push: %+v %v, want new3 as seq 4", push, err)
	}
}

// TestDisplayRenditionFetched: desks fetch ahead the display rendition of
// a scan that has one (what they show), and may fetch either.
func TestDisplayRenditionFetched(t *testing.T) {
	s, point, _, dev := pushServer(t)
	a := genApplication(rand.New(rand.NewPCG(7, 8)), 1)
	a.Status, a.LiaisonPointID = data.StatusLiaisonReview, point.ID
	original, display := strings.Repeat("a", 64), strings.Repeat("d", 64)
	a.Attachments = []data.Attachment{{ID: "s1", Kind: "居民身份证", FileName: "id.jpg", SHA256: original, DisplaySHA256: display, Size: 9 << 20, ContentType: "image/jpeg"}}
	if err := s.SaveApplications(ctx, []*data.Application{a}); err != nil {
		t.Fatal(err)
	}
	sums, err := s.BlobsToFetch(ctx, []data.Status{data.StatusLiaisonReview})
	if err != nil || !slices.Contains(sums, display) || slices.Contains(sums, original) {
		t.Errorf("fetched ahead: %v %v, want the rendition only", sums, err)
	}
	for _, sum := range []string{original, display} {
		if ok, err := s.BlobVisible(ctx, dev, sum); !ok || err != nil {
			t.Errorf("%s… not visible to the point's desk: %v", sum[:4], err)
		}
	}
	if got, _ := s.Application(ctx, a.ID); got.Attachments[0].DisplaySHA256 != display {
		t.Errorf("rendition not kept: %+v", got.Attachments[0])
	}
}

// TestNumberLookupsUseTheirIndex: each uniqueness lookup of a new number
// searches an index; a scan of every application per paper acceptance
// made a push of 500 of them take 19 s at 100,000 applications.
func TestNumberLookupsUseTheirIndex(t *testing.T) {
	s, _, _, _ := pushServer(t)
	for _, n := range documentNumbers {
		args := []any{"x", "x", "x"}[:strings.Count(n.where, "?")]
		rows, err := s.read.Query(`EXPLAIN QUERY PLAN SELECT no, name FROM applications WHERE `+n.where+` AND id <> ? LIMIT 1`, append(args, "id")...)
		if err != nil {
			t.Fatal(err)
		}
		var plan []string
		for rows.Next() {
			var a, b, c int
			var d string
			rows.Scan(&a, &b, &c, &d)
			plan = append(plan, d)
		}
		rows.Close()
		if p := strings.Join(plan, "; "); !strings.Contains(p, "USING INDEX") || strings.Contains(p, "SCAN applications") {
			t.Errorf("%s: %s", n.label, p)
		}
	}
}
