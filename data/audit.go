package data

import (
	"crypto/sha256"
	"encoding/hex"
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
	PrevHash      string // hex; "" for the first event
	Hash          string // hex SHA-256 of Canonical
}

func newEvent(next *Application, from Status, c *Command, now time.Time) AuditEvent {
	return AuditEvent{
		CommandID: c.ID, ApplicationID: next.ID, ApplicationNo: next.No, Action: c.Action,
		FromStatus: from, ToStatus: next.Status, Version: next.Version,
		ActorID: c.Actor.ID, ActorName: c.Actor.Name, Role: c.Actor.Role,
		Reasons: append([]string(nil), c.Reasons...), Note: c.Note, Document: c.Document, At: now,
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
	field("TDA1") // encoding version, so the encoding can change without ambiguity
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
