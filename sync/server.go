package sync

import (
	"cmp"
	"crypto/ed25519"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	gosync "sync"
	"time"

	"github.com/klauspost/compress/zstd"

	"titledesk/data"
	"titledesk/data/blobstore"
)

// maxBatch bounds one push; a workstation sends larger outboxes in turns.
const maxBatch = 500

// Server serves the sync API of DESIGN.md section 4.
type Server struct {
	Sync            data.SyncService
	Blobs           blobstore.Dir
	BureauKeyID     string
	BureauPublicKey ed25519.PublicKey
	Now             func() time.Time
	// SnapshotLimit bounds the snapshots built at once (default 2): each
	// reads a device's whole scope and writes a file of 125–200 MB per
	// 100,000 applications, so a morning of new desks takes its turn, and
	// past SnapshotWait (default 30 s) a desk is told to come back.
	SnapshotLimit int
	SnapshotWait  time.Duration
	// Scratch is where snapshots are built: the server's data folder (""
	// is the system's temporary folder, which may be memory).
	Scratch string

	snapshotsOnce gosync.Once
	snapshots     chan struct{}
}

// Register adds the API's routes to mux.
func (s *Server) Register(mux *http.ServeMux) {
	mux.HandleFunc("POST /api/v1/enroll", s.handle(false, s.enroll))
	mux.HandleFunc("POST /api/v1/sync/push", s.handle(true, s.push))
	mux.HandleFunc("GET /api/v1/sync/pull", s.handle(true, s.pull))
	mux.HandleFunc("GET /api/v1/sync/snapshot", s.handle(true, s.snapshot))
	mux.HandleFunc("GET /api/v1/sync/state", s.handle(true, s.state))
	mux.HandleFunc("GET /api/v1/sync/results", s.handle(true, s.results))
	mux.HandleFunc("GET /api/v1/blobs/{sha256}", s.handle(true, s.getBlob))
	mux.HandleFunc("PUT /api/v1/blobs/{sha256}", s.handle(true, s.putBlob))
	mux.HandleFunc("POST /api/v1/password", s.handle(true, s.password))
}

// password changes the password of a clerk or reviewer of the device.
func (s *Server) password(w http.ResponseWriter, r *http.Request, dev *data.Device) error {
	var req PasswordRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := s.Sync.ChangeClerkPassword(r.Context(), dev, req.Login, req.Current, req.New, s.now()); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, struct{}{})
	return nil
}

// handler is an endpoint after the protocol check and, for authenticated
// endpoints, with the calling device.
type handler func(w http.ResponseWriter, r *http.Request, dev *data.Device) error

func (s *Server) handle(auth bool, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if accepts(r) {
			cw := &compressing{ResponseWriter: w}
			defer cw.finish()
			w = cw
		}
		// Every answer tells the desk the server's time: the server's clock
		// decides the dates of what desks do (DESIGN.md section 4).
		w.Header().Set(TimeHeader, s.now().UTC().Format(time.RFC3339Nano))
		err := checkProtocol(r)
		if err == nil {
			if r.Body, err = decompress(r.Header, r.Body); err != nil {
				err = data.Errorf(data.EINVALID, "请求格式不正确：压缩数据无法解开（%w）", err)
			}
		}
		var dev *data.Device
		if err == nil && auth {
			dev, err = s.authenticate(r)
		}
		// For the console, at most once a minute (no write on every push);
		// a failure here must not stop a sync.
		if build := r.Header.Get(BuildHeader); dev != nil && (s.now().Sub(dev.LastSeenAt) > time.Minute || dev.Build != build) {
			_ = s.Sync.NoteSeen(r.Context(), dev.ID, build, s.now())
		}
		if err == nil {
			err = h(w, r, dev)
		}
		if err != nil {
			writeError(w, err)
		}
	}
}

func (s *Server) authenticate(r *http.Request) (*data.Device, error) {
	token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || token == "" {
		return nil, data.Errorf(data.EUNAUTHORIZED, "缺少设备令牌，请重新注册本工作站")
	}
	dev, err := s.Sync.Authenticate(r.Context(), token)
	if err != nil {
		return nil, err
	}
	NoteWho(r.Context(), dev.Code, "")
	return dev, nil
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) enroll(w http.ResponseWriter, r *http.Request, _ *data.Device) error {
	var req EnrollRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if len(req.PublicKey) != ed25519.PublicKeySize {
		return data.Errorf(data.EINVALID, "设备公钥长度不正确")
	}
	dev, token, err := s.Sync.Enroll(r.Context(), strings.TrimSpace(req.Code), req.PublicKey, req.Hostname, s.now())
	if err != nil {
		return err
	}
	NoteWho(r.Context(), dev.Code, "")
	writeJSON(w, http.StatusOK, EnrollResponse{Device: *dev, Token: token, BureauKeyID: s.BureauKeyID, BureauPublicKey: s.BureauPublicKey})
	return nil
}

func (s *Server) push(w http.ResponseWriter, r *http.Request, dev *data.Device) error {
	var req PushRequest
	if err := decodeJSON(w, r, &req); err != nil {
		return err
	}
	if len(req.Commands) > maxBatch {
		return data.Errorf(data.EINVALID, "一批最多 %d 条操作", maxBatch)
	}
	results, acked, err := s.Sync.Push(r.Context(), dev, req.Commands, s.now())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, PushResponse{Results: results, AckedSeq: acked})
	return nil
}

func (s *Server) pull(w http.ResponseWriter, r *http.Request, dev *data.Device) error {
	q := r.URL.Query()
	cursor, err := queryInt(q.Get("cursor"), 0)
	if err != nil {
		return err
	}
	limit, err := queryInt(q.Get("limit"), pullPage)
	if err != nil {
		return err
	}
	limit = min(max(limit, 1), 2000)
	changes, next, more, err := s.Sync.Pull(r.Context(), dev, cursor, int(limit))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, PullResponse{Changes: changes, Cursor: next, More: more, AckedSeq: dev.AckedSeq})
	return nil
}

// snapshot sends a new desk everything in its scope as one compressed
// SQLite file (see data.SyncService.WriteSnapshot); the desk pulls from
// the cursor inside it.
func (s *Server) snapshot(w http.ResponseWriter, r *http.Request, dev *data.Device) error {
	s.snapshotsOnce.Do(func() { s.snapshots = make(chan struct{}, cmp.Or(s.SnapshotLimit, 2)) })
	wait := time.NewTimer(cmp.Or(s.SnapshotWait, 30*time.Second))
	defer wait.Stop()
	select {
	case s.snapshots <- struct{}{}:
		defer func() { <-s.snapshots }()
	case <-wait.C:
		return data.Errorf(data.EBUSY, "市局服务器正在为其他新工作站准备初始数据，稍后自动重试")
	case <-r.Context().Done():
		return r.Context().Err()
	}
	dir, err := os.MkdirTemp(s.Scratch, "titledesk-snapshot-")
	if err != nil {
		return data.Errorf(data.EINTERNAL, "无法生成初始数据：%w", err)
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "snapshot.db")
	if _, err := s.Sync.WriteSnapshot(r.Context(), dev, path); err != nil {
		return err
	}
	f, err := os.Open(path)
	if err != nil {
		return data.Errorf(data.EINTERNAL, "无法生成初始数据：%w", err)
	}
	defer f.Close()
	w.Header().Set("Content-Type", snapshotType)
	w.WriteHeader(http.StatusOK)
	// From here a failure can only cut the stream short, which the desk
	// sees as a frame that does not decode whole.
	// The fastest level: on 100,000 applications it compressed as well as
	// the default (15 MB of 200) in two thirds of the time.
	enc, _ := zstd.NewWriter(w, zstd.WithEncoderConcurrency(1), zstd.WithEncoderLevel(zstd.SpeedFastest))
	_, _ = io.Copy(enc, f)
	_ = enc.Close()
	return nil
}

func (s *Server) state(w http.ResponseWriter, r *http.Request, dev *data.Device) error {
	st, err := s.Sync.State(r.Context(), dev)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, st)
	return nil
}

func (s *Server) results(w http.ResponseWriter, r *http.Request, dev *data.Device) error {
	after, err := queryInt(r.URL.Query().Get("after"), 0)
	if err != nil {
		return err
	}
	results, more, err := s.Sync.Results(r.Context(), dev, after, pullPage)
	if err != nil {
		return err
	}
	resp := ResultsResponse{Results: results, More: more}
	if !more { // the desk reads them once it has every result
		if resp.Numbers, err = s.Sync.DeviceNumbers(r.Context(), dev); err != nil {
			return err
		}
	}
	writeJSON(w, http.StatusOK, resp)
	return nil
}

func queryInt(s string, def int64) (int64, error) {
	if s == "" {
		return def, nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return 0, data.Errorf(data.EINVALID, "参数“%s”不是有效的非负整数", s)
	}
	return n, nil
}
