package data

import "time"

// SMS is a text message to an applicant, queued where a command was
// applied and delivered at least once; DedupeKey makes repeats harmless.
type SMS struct {
	ID            int64
	DedupeKey     string
	Template      string // the action that queued it, e.g. bureau_pass
	ApplicationID string
	Mobile        string
	Text          string
	CreatedAt     time.Time
	Attempts      int
	LastError     string
	NextAt        time.Time // no attempt before this
	SentAt        time.Time // zero until delivered
}
