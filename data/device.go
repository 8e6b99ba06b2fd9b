package data

import (
	"context"
	"crypto/sha256"
	"encoding/base32"
	"encoding/json"
	"time"
)

// KeyID names a sealing key in QR payloads: the first 8 base32 characters
// of the SHA-256 of its public half, so any holder of the public key can
// recompute it and two keys practically never share one.
func KeyID(publicKey []byte) string {
	sum := sha256.Sum256(publicKey)
	return base32.StdEncoding.EncodeToString(sum[:])[:8]
}

// Device is an enrolled workstation. Its scope is its liaison point (a
// clerk device) or the whole city (a bureau device).
type Device struct {
	ID             string
	Code           string // short, upper-case; part of the numbers it issues offline
	Role           Role   // clerk or bureau
	LiaisonPointID string // clerk devices only
	PublicKey      []byte // Ed25519: verifies what the device seals
	KeyID          string
	Hostname       string
	EnrolledAt     time.Time
	AckedSeq       int64     // highest outbox seq with a permanent outcome
	RevokedAt      time.Time // zero while the device may sync
	LastSeenAt     time.Time // its last request to the server
	Build          string    // the build it runs, as it last said
}

// PushedCommand is one outbox row of a device: the command, the device's
// strictly increasing sequence number and when the clerk acted. After is
// the seq of the device's command on the same application it was decided
// on top of, still unanswered when the clerk acted (0 for none): unless
// that one was applied, this one is refused.
type PushedCommand struct {
	Seq     int64
	At      time.Time
	Command Command
	After   int64 `json:",omitempty"`
	// Replay is the refusal a server gave this seq before it was restored
	// from a backup that predates the answer: the device sends it again so
	// the seq is answered the same way, and nothing is applied. Commands
	// that were applied are sent again without it, to be applied again.
	Replay *CommandResult `json:",omitempty"`
}

// Outcome states of a pushed command.
const (
	StateApplied  = "applied"
	StateRejected = "rejected" // permission or validation: Code and Message say why
	StateConflict = "conflict" // the version moved: someone else acted first
)

// CommandResult is the server's permanent answer for one (device, seq).
type CommandResult struct {
	Seq       int64
	CommandID string
	State     string
	Version   int64 // the application's version after an applied command
	Code      string
	Message   string
}

// Change kinds: each change is a whole snapshot of one entity, so applying
// one twice is harmless.
const (
	ChangeApplication = "application"
	ChangeClerk       = "clerk"
	ChangePoint       = "liaison_point"
	ChangeReasons     = "reasons"
	ChangeFees        = "fees"
	ChangeCalendar    = "calendar"
	ChangeFinance     = "finance" // the bureau's settings about money
	ChangeDeviceKey   = "device_key"
	// ChangeBureauKeys is the bureau's sealing keys, current and retired.
	ChangeBureauKeys = "bureau_keys"
	// ChangeMovedAway tells a point's devices that an application now
	// belongs to another liaison point, so they drop their copy. Its ID is
	// "<application id>@<old point id>".
	ChangeMovedAway = "moved_away"
)

// Change is one entry of the server's change log.
type Change struct {
	Seq  int64
	Kind string
	ID   string
	Data json.RawMessage
}

// SyncState is what the server knows when a device starts a sync round:
// who it is since its last restore (Epoch, changed by every restore), the
// device's acknowledged seq and the head of its change log. A device that
// knows more than that was answered by a server the restore forgot.
type SyncState struct {
	Epoch    string
	AckedSeq int64
	Head     int64
}

// Reconciled is what a desk found and did when it compared a SyncState
// with what it knows.
type Reconciled struct {
	// Rewound: the server was restored and may have forgotten what it
	// acknowledged. Resent answered commands go to it again; Lost seqs
	// were past the desk's retention window and go as refusals; the next
	// pull starts over.
	Rewound      bool
	Resent, Lost int
	// Restored: the rewind is for a restore the desk saw (a new epoch, or a
	// server that knows less than the desk), not its first sync.
	Restored bool
	// Renumber: the server has answered seqs the desk has not issued yet
	// or issued again: the desk's data folder is older than the server's
	// record of it.
	Renumber bool
}

// Renumbered is what a desk restored from an older copy did with the
// server's answers.
type Renumbered struct {
	Matched int // entries the server had answered: their answers are recorded
	Moved   int // entries numbered again after the server's acknowledged seq
	// Reissued entries issued a notice or certificate number the server
	// had seen from the desk before it was restored: they have new ones,
	// and their papers must be printed again.
	Reissued int
}

// SyncService is the server side of DESIGN.md section 4.
type SyncService interface {
	// Enroll spends a one-time code and registers the device's public key.
	// The token is returned only here; the server keeps its hash.
	Enroll(ctx context.Context, code string, publicKey []byte, hostname string, now time.Time) (dev *Device, token string, err error)
	// Authenticate finds the device a bearer token belongs to.
	Authenticate(ctx context.Context, token string) (*Device, error)
	// Push applies a batch in one transaction and stores each outcome under
	// (device, seq). A replayed seq returns the stored outcome; a gap is
	// refused.
	Push(ctx context.Context, dev *Device, cmds []PushedCommand, now time.Time) (results []CommandResult, ackedSeq int64, err error)
	// Pull returns up to limit changes after cursor within the device's scope.
	Pull(ctx context.Context, dev *Device, cursor int64, limit int) (changes []Change, next int64, more bool, err error)
	// State is the server's epoch, the device's acknowledged seq and the
	// change log's head.
	State(ctx context.Context, dev *Device) (SyncState, error)
	// Results returns up to limit of the device's stored outcomes with seq
	// above after, in seq order, for a device restored from an older copy.
	Results(ctx context.Context, dev *Device, after int64, limit int) (results []CommandResult, more bool, err error)
	// DeviceNumbers is the highest sequence of each number counter (see
	// DeviceNumber.Counter) among the numbers the device issued that the
	// server holds.
	DeviceNumbers(ctx context.Context, dev *Device) (map[string]int64, error)
	// BlobVisible tells whether a blob belongs to an application in the
	// device's scope.
	BlobVisible(ctx context.Context, dev *Device, sha256 string) (bool, error)
	// WriteSnapshot writes everything in the device's scope, as of one
	// moment, to a new workstation-format SQLite file at path: a new desk's
	// first pull in one download (see Snapshot).
	WriteSnapshot(ctx context.Context, dev *Device, path string) (Snapshot, error)
	// ChangeClerkPassword sets a new password for a clerk or reviewer who
	// may log in at the device, given the current one; desks learn the new
	// one by pull.
	ChangeClerkPassword(ctx context.Context, dev *Device, login, current, next string, now time.Time) error
	// NoteSeen records that a device reached the server, running build.
	NoteSeen(ctx context.Context, deviceID, build string, now time.Time) error
}

// Snapshot describes a bulk snapshot: it holds Applications applications
// and every other entity of the scope as of change position Cursor, from
// where the desk then pulls.
type Snapshot struct {
	Cursor       int64
	Applications int
}

// PrinterChoice is where a workstation prints one kind of paper (设置).
type PrinterChoice struct {
	Printer string // "" is the system's default printer
	Copies  int    // 1 to 9
}

// Papers are the kinds of paper a workstation prints, each with its own
// PrinterChoice: the four sealed documents and the 日结报表.
var Papers = []string{DocReceipt.Label(), DocPayment.Label(), DocNotice.Label(), DocForm.Label(), PaperDaily}

// PaperDaily is the 日结报表's paper, the one not an application's.
const PaperDaily = "日结报表"

// CardReaderSetting is a workstation's identity-card reader (设置): the
// vendor's termb.dll and its port (1001–1016 USB, 1–16 serial, 0 the first
// USB port that answers). A zero DLL is no reader.
type CardReaderSetting struct {
	DLL  string
	Port int
}
