package sync

import "titledesk/data"

// The wire carries the domain types as encoding/json writes them; only the
// envelopes below are the protocol's own.

// EnrollRequest is a workstation's first call: the one-time code an admin
// made and the public half of the key the device seals its documents with.
type EnrollRequest struct {
	Code      string `json:"code"`
	PublicKey []byte `json:"public_key"` // Ed25519, 32 bytes
	Hostname  string `json:"hostname"`
}

// EnrollResponse is what the device keeps: who it is, its token (shown only
// this once) and the bureau's sealing key.
type EnrollResponse struct {
	Device          data.Device `json:"device"`
	Token           string      `json:"token"`
	BureauKeyID     string      `json:"bureau_key_id"`
	BureauPublicKey []byte      `json:"bureau_public_key"`
}

// PushRequest carries a batch of outbox rows in seq order, without gaps.
type PushRequest struct {
	Commands []data.PushedCommand `json:"commands"`
}

// PushResponse answers a batch. AckedSeq is the highest seq with a
// permanent outcome; the workstation may trim its outbox up to it.
type PushResponse struct {
	Results  []data.CommandResult `json:"results"`
	AckedSeq int64                `json:"acked_seq"`
}

// PullResponse is a page of changes after the request's cursor. The page
// and its Cursor are applied in one local transaction.
type PullResponse struct {
	Changes  []data.Change `json:"changes"`
	Cursor   int64         `json:"cursor"`
	More     bool          `json:"more"`
	AckedSeq int64         `json:"acked_seq"`
}

// ResultsResponse is a page of a device's stored outcomes, for a device
// restored from an older copy of its data folder, with the highest number
// of each series the server has seen from it (see data.DeviceNumber).
type ResultsResponse struct {
	Results []data.CommandResult `json:"results"`
	More    bool                 `json:"more"`
	Numbers map[string]int64     `json:"numbers"`
}

// snapshotType is the body of GET /api/v1/sync/snapshot: a SQLite file in
// the layout of sqlite.WriteSnapshot, compressed with zstd.
const snapshotType = "application/vnd.titledesk.snapshot+zstd"

// PasswordRequest changes a clerk's password from their desk: the current
// one, and the new.
type PasswordRequest struct {
	Login, Current, New string
}
