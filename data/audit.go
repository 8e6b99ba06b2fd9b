package data

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// AuditEvent records one applied command: who did what to which
// application, when. On the server the events form a hash chain: each
// stores the previous event's hash and its own SHA-256 over Canonical, so
// changing any stored byte breaks the chain at that event.
type AuditEvent struct {
	Seq           int64 // position in the chain, from 1; set by the store
	CommandID     string
	ApplicationID string
	ApplicationNo string
	Action        Action
	FromStatus    Status
	ToStatus      Status
	Version       int64 // the application's version after the command
	ActorID       string
	ActorName     string
	Role          Role
	Reasons       []string
	Note          string
	Document      Document // for print
	At            time.Time
	// Changes are the recorded fields (see Recorded) the command changed,
	// with their new values, so a field edited in the database outside
	// any command no longer matches its last event.
	Changes  []FieldValue
	PrevHash string // hex; "" for the first event
	Hash     string // hex SHA-256 of Canonical
}

// FieldValue is one recorded field of an application and its value.
type FieldValue struct {
	Field, Value string
}

// Recorded lists every field of an application a command can change, by
// the names audit reports use (the database's column names), with its
// value as text.
var Recorded = []struct {
	Field string
	Of    func(*Application) string
}{
	{"status", func(a *Application) string { return string(a.Status) }},
	{"version", func(a *Application) string { return strconv.FormatInt(a.Version, 10) }},
	{"series", func(a *Application) string { return a.Series }},
	{"qualification", func(a *Application) string { return a.Qualification }},
	{"level", func(a *Application) string { return a.Level }},
	{"method", func(a *Application) string { return string(a.Method) }},
	{"liaison_point_id", func(a *Application) string { return a.LiaisonPointID }},
	{"name", func(a *Application) string { return a.Name }},
	{"id_number", func(a *Application) string { return a.IDNumber }},
	{"mobile", func(a *Application) string { return a.Mobile }},
	{"education", func(a *Application) string { return a.Education }},
	{"major", func(a *Application) string { return a.Major }},
	{"working_years", func(a *Application) string { return strconv.Itoa(a.WorkingYears) }},
	{"unit_id", func(a *Application) string { return a.UnitID }},
	{"unit_name", func(a *Application) string { return a.UnitName }},
	{"unit_credit_code", func(a *Application) string { return a.UnitCreditCode }},
	{"attachments", func(a *Application) string {
		var b strings.Builder
		for _, at := range a.Attachments {
			fmt.Fprintf(&b, "%s|%s|%s|%s|%d|%s|%s|%s|%s;", at.ID, at.Kind, at.FileName, at.SHA256, at.Size, at.ContentType, at.Check, at.CheckNote, at.DisplaySHA256)
		}
		return b.String()
	}},
	{"unit_opinion", func(a *Application) string { return a.UnitOpinion }},
	{"publicity_start", func(a *Application) string { return timeText(a.Publicity.Start) }},
	{"publicity_end", func(a *Application) string { return timeText(a.Publicity.End) }},
	{"assignee_id", func(a *Application) string { return a.AssigneeID }},
	{"supplement_deadline", func(a *Application) string { return timeText(a.SupplementDeadline) }},
	{"submitted_at", func(a *Application) string { return timeText(a.SubmittedAt) }},
	{"reviewed_at", func(a *Application) string { return timeText(a.ReviewedAt) }},
	{"notice", func(a *Application) string {
		if n := a.Notice; n != nil {
			return fmt.Sprintf("%s|%s|%d|%s|%s", n.No, n.PayCode, n.Amount, timeText(n.IssuedAt), n.IssuedBy)
		}
		return ""
	}},
	{"payment", func(a *Application) string {
		if p := a.Payment; p != nil {
			return fmt.Sprintf("%s|%d|%s|%s|%s|%s|%s", p.ReceiptNo, p.Amount, p.Channel, p.ProofSHA256, timeText(p.PaidAt), timeText(p.RecordedAt), p.RecordedBy)
		}
		return ""
	}},
	{"notice_terms", func(a *Application) string {
		if n := a.Notice; n != nil {
			return n.Payee + "|" + timeText(n.Due) + "|" + n.PayURL
		}
		return ""
	}},
	{"payment_recorder", func(a *Application) string {
		if p := a.Payment; p != nil {
			return p.RecordedByID + "|" + p.CorrectedBy + "|" + timeText(p.CorrectedAt)
		}
		return ""
	}},
	{"reconciliation", func(a *Application) string {
		if r := a.Reconciliation; r != nil {
			e := r.Entry
			return fmt.Sprintf("%s|%s|%s|%s|%d|%s|%s", r.Outcome, e.PayCode, e.Ref, e.Channel, e.Amount, timeText(e.PaidAt), timeText(r.At))
		}
		return ""
	}},
	{"refund", func(a *Application) string {
		if r := a.Refund; r != nil {
			return fmt.Sprintf("%d|%s|%s|%s|%s", r.Amount, r.Reason, r.ApprovedBy, timeText(r.ApprovedAt), r.PaymentBy)
		}
		return ""
	}},
	{"certificate", func(a *Application) string {
		if c := a.Certificate; c != nil {
			return c.No + "|" + timeText(c.IssuedAt)
		}
		return ""
	}},
	{"certificate_revoked", func(a *Application) string {
		if c := a.Certificate; c != nil && !c.RevokedAt.IsZero() {
			return timeText(c.RevokedAt) + "|" + c.RevokedWhy
		}
		return ""
	}},
}

func timeText(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339Nano)
}

// Changed is the recorded fields that differ from prev in next, with
// next's values; every recorded field when prev is nil (a new application),
// so each has a value to check the stored row against from the start.
func Changed(prev, next *Application) []FieldValue {
	var out []FieldValue
	for _, r := range Recorded {
		if v := r.Of(next); prev == nil || v != r.Of(prev) {
			out = append(out, FieldValue{r.Field, v})
		}
	}
	return out
}

func newEvent(prev, next *Application, c *Command, now time.Time) AuditEvent {
	return AuditEvent{
		CommandID: c.ID, ApplicationID: next.ID, ApplicationNo: next.No, Action: c.Action,
		FromStatus: prev.Status, ToStatus: next.Status, Version: next.Version,
		ActorID: c.Actor.ID, ActorName: c.Actor.Name, Role: c.Actor.Role,
		Reasons: append([]string(nil), c.Reasons...), Note: c.Note, Document: c.Document, At: now,
		Changes: Changed(prev, next),
	}
}

// Canonical is the event's unambiguous byte encoding for hashing: every
// field in a fixed order, each prefixed by its length, times in UTC with
// nanoseconds.
func (e *AuditEvent) Canonical() []byte {
	var b strings.Builder
	field := func(s string) {
		b.WriteString(strconv.Itoa(len(s)))
		b.WriteByte(':')
		b.WriteString(s)
	}
	// The encoding's version, so it can change without ambiguity: events
	// that record changed fields are TDA2, older ones stay TDA1.
	version := "TDA1"
	if len(e.Changes) > 0 {
		version = "TDA2"
	}
	field(version)
	field(strconv.FormatInt(e.Seq, 10))
	field(e.CommandID)
	field(e.ApplicationID)
	field(e.ApplicationNo)
	field(string(e.Action))
	field(string(e.FromStatus))
	field(string(e.ToStatus))
	field(strconv.FormatInt(e.Version, 10))
	field(e.ActorID)
	field(e.ActorName)
	field(string(e.Role))
	field(strconv.Itoa(len(e.Reasons)))
	for _, r := range e.Reasons {
		field(r)
	}
	field(e.Note)
	field(string(e.Document))
	field(e.At.UTC().Format(time.RFC3339Nano))
	if len(e.Changes) > 0 {
		field(strconv.Itoa(len(e.Changes)))
		for _, c := range e.Changes {
			field(c.Field)
			field(c.Value)
		}
	}
	field(e.PrevHash)
	return []byte(b.String())
}

// Seal links the event after prevHash and computes its hash.
func (e *AuditEvent) Seal(seq int64, prevHash string) {
	e.Seq, e.PrevHash = seq, prevHash
	e.Hash = e.digest()
}

func (e *AuditEvent) digest() string {
	sum := sha256.Sum256(e.Canonical())
	return hex.EncodeToString(sum[:])
}

// ChainBreak is the first event at which an audit chain does not verify.
type ChainBreak struct {
	Seq    int64
	Reason string
}

func (b *ChainBreak) Error() string {
	return "audit chain broken at event " + strconv.FormatInt(b.Seq, 10) + ": " + b.Reason
}

// ChainVerifier checks events fed to it in chain order.
type ChainVerifier struct {
	next int64
	prev string
}

// Next checks e against the events seen so far and returns the break it
// finds, or nil.
func (v *ChainVerifier) Next(e *AuditEvent) *ChainBreak {
	v.next++
	switch {
	case e.Seq != v.next:
		return &ChainBreak{Seq: v.next, Reason: "event " + strconv.FormatInt(v.next, 10) + " is missing (found " + strconv.FormatInt(e.Seq, 10) + ")"}
	case e.PrevHash != v.prev:
		return &ChainBreak{Seq: e.Seq, Reason: "previous hash does not match the event before"}
	case e.Hash != e.digest():
		return &ChainBreak{Seq: e.Seq, Reason: "content does not match its hash"}
	}
	v.prev = e.Hash
	return nil
}

// FieldMismatch is a recorded field whose stored value is not what the
// last event that changed it says: an edit outside any command.
type FieldMismatch struct {
	ApplicationNo, Field string
	Seq                  int64 // the event that last recorded it
	Recorded, Stored     string
}

// Checkpoint is the chain's head signed with the bureau's key.
type Checkpoint struct {
	Seq       int64 // the last event it covers (0: an empty chain)
	Hash      string
	At        time.Time
	KeyID     string
	Signature []byte
	Reason    string // backup, daily, start
}

// Message is what the bureau's key signs.
func (c *Checkpoint) Message() []byte {
	return []byte("TDC1|" + strconv.FormatInt(c.Seq, 10) + "|" + c.Hash + "|" + c.At.UTC().Format(time.RFC3339Nano))
}

// CheckpointEvery is how often the server signs its chain's head at least;
// a gap longer than CheckpointGrace between checkpoints, or since the last
// one, with events in it, is reported as a missing checkpoint.
const (
	CheckpointEvery = 24 * time.Hour
	CheckpointGrace = 36 * time.Hour
)

// AuditReport is what verifying the audit chain found.
type AuditReport struct {
	Events, Checkpoints int
	Break               *ChainBreak     // the first event that does not verify
	Fields              []FieldMismatch // stored values no event recorded
	Problems            []AuditProblem  // checkpoints forged or contradicted, a cut-off tail, a missing checkpoint
}

// AuditProblem is one finding about the checkpoints; Text is for people.
type AuditProblem struct {
	Kind string // "forged", "changed", "cut", "missing"
	Text string
}

// OK reports whether nothing was found.
func (r *AuditReport) OK() bool { return r.Break == nil && len(r.Fields) == 0 && len(r.Problems) == 0 }

type adminKey struct{}

// WithAdmin marks ctx as an administrator's: the administrative actions the
// store carries out under it are appended to the audit chain, who, when and
// what.
func WithAdmin(ctx context.Context, who Actor) context.Context {
	who.Role = RoleAdmin
	return context.WithValue(ctx, adminKey{}, who)
}

// AdminOf is the administrator ctx acts for, if any.
func AdminOf(ctx context.Context) (Actor, bool) {
	who, ok := ctx.Value(adminKey{}).(Actor)
	return who, ok
}
