package main

import (
	"context"
	"crypto/ed25519"
	"crypto/tls"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"golang.org/x/net/netutil"

	"titledesk/data"
	"titledesk/data/blobstore"
	"titledesk/data/sqlite"
	"titledesk/finance"
	"titledesk/forms"
	"titledesk/notify"
	"titledesk/portal"
	tdsync "titledesk/sync"
)

// folder is the server's data folder and the files it holds.
type folder string

func (f folder) db() string      { return filepath.Join(string(f), "titledesk.db") }
func (f folder) cert() string    { return filepath.Join(string(f), "tls", "cert.pem") }
func (f folder) tlsKey() string  { return filepath.Join(string(f), "tls", "key.pem") }
func (f folder) sealKey() string { return filepath.Join(string(f), "keys", "bureau-seal.pem") }
func (f folder) blobs() string   { return filepath.Join(string(f), "blobs") }

// dataFlag is the -data flag every command that touches the server takes.
func dataFlag(fs *flag.FlagSet) *string {
	return fs.String("data", "titledesk-data", "server data folder")
}

func runInit(e *env, args []string) error {
	fs := flag.NewFlagSet("init", flag.ContinueOnError)
	dir := dataFlag(fs)
	hosts := fs.String("hosts", "127.0.0.1,localhost", "comma-separated host names and IPs for the self-signed certificate")
	certFile := fs.String("cert", "", "use this PEM certificate instead of a self-signed one (with -key)")
	keyFile := fs.String("key", "", "PEM private key of -cert")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	f := folder(*dir)
	if _, err := os.Stat(f.db()); err == nil {
		return data.Errorf(data.ECONFLICT, "数据目录 %s 已初始化，未做任何更改", *dir)
	}
	for _, d := range []string{filepath.Dir(f.cert()), filepath.Dir(f.sealKey()), f.blobs()} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			return err
		}
	}
	certPEM, keyPEM, err := loadOrMakeCert(*certFile, *keyFile, strings.Split(*hosts, ","))
	if err != nil {
		return err
	}
	sealPEM, keyID, err := forms.NewKey()
	if err != nil {
		return err
	}
	for _, w := range []struct {
		path string
		b    []byte
	}{{f.cert(), certPEM}, {f.tlsKey(), keyPEM}, {f.sealKey(), sealPEM}} {
		if err := os.WriteFile(w.path, w.b, 0o600); err != nil {
			return err
		}
	}
	db, _, err := openStore(e.ctx, f)
	if err != nil {
		return err
	}
	defer db.Close()
	if err := checkpoint(e.ctx, f, db, "init"); err != nil {
		return err
	}
	fp, err := certFingerprint(certPEM)
	if err != nil {
		return err
	}
	fmt.Fprintf(e.stdout, "initialised %s\nbureau sealing key id: %s\ncertificate SHA-256 fingerprint:\n%s\n", *dir, keyID, fp)
	return nil
}

func loadOrMakeCert(certFile, keyFile string, hosts []string) (certPEM, keyPEM []byte, err error) {
	if certFile == "" && keyFile == "" {
		return tdsync.SelfSignedCert(hosts, time.Now())
	}
	if certFile == "" || keyFile == "" {
		return nil, nil, data.Errorf(data.EINVALID, "-cert 与 -key 必须同时给出")
	}
	if certPEM, err = os.ReadFile(certFile); err != nil {
		return nil, nil, err
	}
	if keyPEM, err = os.ReadFile(keyFile); err != nil {
		return nil, nil, err
	}
	if _, err := tls.X509KeyPair(certPEM, keyPEM); err != nil {
		return nil, nil, data.Errorf(data.EINVALID, "证书与私钥不匹配或格式错误：%w", err)
	}
	return certPEM, keyPEM, nil
}

func certFingerprint(certPEM []byte) (string, error) {
	block, _ := pem.Decode(certPEM)
	if block == nil {
		return "", errors.New("certificate: no PEM block")
	}
	return tdsync.Fingerprint(block.Bytes), nil
}

// retiredKeys is where sealing keys replaced by a newer one are kept: what
// they sealed, and the checkpoints they signed, still verify.
func (f folder) retiredKeys() string { return filepath.Join(string(f), "keys", "retired") }

// bureauKeys are the public halves of the bureau's sealing keys, current
// and retired, by key id.
func bureauKeys(f folder) (map[string]ed25519.PublicKey, error) {
	key, err := sealKey(f)
	if err != nil {
		return nil, err
	}
	keys := map[string]ed25519.PublicKey{}
	add := func(k ed25519.PrivateKey) {
		pub := k.Public().(ed25519.PublicKey)
		keys[data.KeyID(pub)] = pub
	}
	add(key)
	retired, _ := filepath.Glob(filepath.Join(f.retiredKeys(), "*.pem"))
	for _, path := range retired {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, err
		}
		k, err := forms.ParseKey(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		add(k)
	}
	return keys, nil
}

// checkpoint signs the audit chain's head with the bureau's key.
func checkpoint(ctx context.Context, f folder, db *sqlite.Store, reason string) error {
	key, err := sealKey(f)
	if err != nil {
		return err
	}
	_, err = db.Checkpoint(ctx, data.KeyID(key.Public().(ed25519.PublicKey)), func(m []byte) []byte { return ed25519.Sign(key, m) }, reason, time.Now())
	return err
}

// sealKey loads the bureau's sealing key.
func sealKey(f folder) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(f.sealKey())
	if err != nil {
		return nil, err
	}
	return forms.ParseKey(b)
}

func runServe(e *env, args []string) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	dir := dataFlag(fs)
	addr := fs.String("addr", "127.0.0.1:8443", "HTTPS listen address")
	gateway := fs.String("sms-gateway", "", "URL of an HTTP SMS gateway; without it (or -sms-config) messages are only recorded (admin sms-list)")
	smsConfig := fs.String("sms-config", "", "JSON file configuring Alibaba Cloud or Tencent Cloud SMS (provider, keys, sign_name, templates by message key; the secret may be in $TITLEDESK_SMS_SECRET)")
	retry := fs.Duration("sms-retry", 5*time.Second, "first wait after a failed SMS delivery; doubles up to an hour")
	platform := fs.String("finance-platform", "", "JSON file configuring the finance platform's API (base_url, app_id, secret); without it notices are imported (admin notices-import)")
	poll := fs.Duration("finance-poll", 30*time.Second, "how often to ask the finance platform for the notices still missing")
	public := fs.String("public-url", "", "address the public reaches the portal at, e.g. https://zc.example.gov.cn (certificates' QR codes open it); default: the address each applicant used")
	if err := parse(fs, e, args); err != nil {
		return err
	}
	f := folder(*dir)
	if _, err := os.Stat(f.db()); err != nil {
		return data.Errorf(data.ENOTFOUND, "数据目录 %s 尚未初始化：请先运行 titledesk-server init -data %s", *dir, *dir)
	}
	pair, err := tls.LoadX509KeyPair(f.cert(), f.tlsKey())
	if err != nil {
		return fmt.Errorf("load certificate: %w", err)
	}
	db, key, err := openStore(e.ctx, f)
	if err != nil {
		return err
	}
	defer db.Close()

	mux, err := newMux(e, db, key, f, *public)
	if err != nil {
		return err
	}
	if cal, err := db.Calendar(e.ctx); err != nil {
		return err
	} else if year, missing := cal.YearMissing(time.Now()); missing {
		e.log.Warn("the working-day calendar lacks a year: deadlines in it cannot be counted until it is imported (admin calendar-import)", "year", year)
	}
	ctx := e.ctx
	srv := &http.Server{
		Addr:              *addr,
		Handler:           logRequests(e.log, hardened(mux)),
		TLSConfig:         &tls.Config{Certificates: []tls.Certificate{pair}, MinVersion: tls.VersionTLS12, CipherSuites: aeadSuites},
		ReadHeaderTimeout: limits.header,
		ReadTimeout:       limits.read,
		WriteTimeout:      limits.write,
		IdleTimeout:       limits.idle,
		MaxHeaderBytes:    limits.headerBytes,
		ErrorLog:          slog.NewLogLogger(e.log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return data.Errorf(data.EINVALID, "无法监听 %s：%w", *addr, err)
	}
	ln = netutil.LimitListener(ln, limits.conns)
	var provider notify.Provider = notify.Record{}
	switch {
	case *gateway != "" && *smsConfig != "":
		return data.Errorf(data.EINVALID, "-sms-gateway 和 -sms-config 只能用一个")
	case *gateway != "":
		provider = &notify.Gateway{URL: *gateway, APIKey: os.Getenv("TITLEDESK_SMS_KEY")}
	case *smsConfig != "":
		if provider, err = notify.LoadProvider(*smsConfig); err != nil {
			return err
		}
	}
	if err := checkpoint(ctx, f, db, "start"); err != nil {
		return err
	}
	go func() {
		// At least daily (data.CheckpointEvery), while serving.
		tick := time.NewTicker(data.CheckpointEvery)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if err := checkpoint(ctx, f, db, "daily"); err != nil {
					e.log.Error("daily audit checkpoint failed", "err", err)
				}
			}
		}
	}()
	go keepDeadlines(ctx, db, e.log)
	if *platform != "" {
		p, err := finance.LoadPlatform(*platform)
		if err != nil {
			return err
		}
		go issueNotices(ctx, db, p, e.log, *poll)
	}
	deliveryCtx, stopDelivery := context.WithCancel(ctx)
	delivered := make(chan struct{})
	go func() {
		(&notify.Deliverer{Queue: db, Provider: provider, Log: e.log, Poll: time.Second, RetryBase: *retry}).Run(deliveryCtx)
		close(delivered)
	}()
	// The database closes after the last delivery is recorded.
	defer func() { stopDelivery(); <-delivered }()
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	e.log.Info("serving", "addr", ln.Addr().String(), "data", *dir, "sms", provider.Name())
	fmt.Fprintf(e.stdout, "serving on https://%s\n", ln.Addr())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	// In-flight requests finish; new ones are refused.
	e.log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	return srv.Shutdown(shutdown)
}

// limits bound what one client can hold of the server: a slow or stalled
// client is cut off, an upload or a scan download gets longer (hardened).
// Tests shorten them.
var limits = struct {
	header, read, write, idle, transfer time.Duration
	headerBytes, conns                  int
}{header: 10 * time.Second, read: 30 * time.Second, write: 60 * time.Second, idle: 2 * time.Minute,
	transfer: 5 * time.Minute, headerBytes: 64 << 10, conns: 2000}

// aeadSuites are the TLS 1.2 suites served: forward secret and AEAD only
// (no CBC, no SHA-1 MACs); TLS 1.3 chooses its own, all AEAD.
var aeadSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256, tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384, tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// transfers are the routes that move a scan, a proof or a page of sync (up
// to a few MB): their bodies may take minutes on a counter's line, every
// other request seconds.
func transfer(r *http.Request) bool {
	p := r.URL.Path
	return strings.HasPrefix(p, "/api/v1/blobs/") || strings.HasPrefix(p, "/api/v1/sync/") || strings.HasPrefix(p, "/scans/") ||
		strings.HasPrefix(p, "/applications/") && strings.HasSuffix(p, "/materials")
}

// hardened adds what every answer carries, pages, API and static files
// alike (HTTPS only from now on; no content sniffing), and gives transfers
// their longer deadlines.
func hardened(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Strict-Transport-Security", "max-age=31536000")
		hd.Set("X-Content-Type-Options", "nosniff")
		if transfer(r) {
			rc, at := http.NewResponseController(w), time.Now().Add(limits.transfer)
			_ = rc.SetReadDeadline(at)
			_ = rc.SetWriteDeadline(at)
		}
		h.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status a handler wrote, for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(s int) { w.status = s; w.ResponseWriter.WriteHeader(s) }

// logRequests writes one line per request. It logs the path, never the query
// or body, which may hold passwords, tokens or identity numbers; the device
// or user is added by the handlers through the request context.
func logRequests(log *slog.Logger, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		who := &tdsync.Who{}
		h.ServeHTTP(sw, r.WithContext(tdsync.WithWho(r.Context(), who)))
		log.Info("request", "method", r.Method, "path", r.URL.Path, "status", sw.status,
			"ms", time.Since(start).Milliseconds(), "who", who.String(), "remote", r.RemoteAddr)
	})
}

// keepDeadlines reminds and ends what is due (sqlite.Store.RunDeadlines)
// at start and hourly, while serving.
func keepDeadlines(ctx context.Context, db *sqlite.Store, log *slog.Logger) {
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		run, err := db.RunDeadlines(ctx, time.Now())
		switch {
		case err != nil && ctx.Err() == nil:
			log.Error("deadlines", "err", err)
		case run.Reminded+run.Expired > 0:
			log.Info("deadlines", "reminded", run.Reminded, "expired", run.Expired)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// openStore opens the server database with everything only the server
// does: the change log for sync and the bureau's seal on application forms,
// whose key it returns for the API to publish.
func openStore(ctx context.Context, f folder) (*sqlite.Store, ed25519.PrivateKey, error) {
	key, err := sealKey(f)
	if err != nil {
		return nil, nil, err
	}
	db, err := sqlite.OpenServer(f.db())
	if err != nil {
		return nil, nil, err
	}
	db.BlobExists = blobstore.Dir(f.blobs()).Has
	pub := key.Public().(ed25519.PublicKey)
	db.SealForm = forms.FormSealer(data.KeyID(pub), key)
	// Desks learn of the key sealing forms now, and of the ones it replaced.
	if err := db.RegisterBureauKey(ctx, data.KeyID(pub), pub, time.Now()); err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, key, nil
}

// newMux assembles the server's routes.
func newMux(e *env, db *sqlite.Store, key ed25519.PrivateKey, f folder, publicURL string) (http.Handler, error) {
	pub := key.Public().(ed25519.PublicKey)
	mux := http.NewServeMux()
	// Snapshots a server killed while building them left behind.
	stale, _ := filepath.Glob(filepath.Join(string(f), "titledesk-snapshot-*"))
	for _, dir := range stale {
		os.RemoveAll(dir)
	}
	(&tdsync.Server{Sync: db, Blobs: blobstore.Dir(f.blobs()), BureauKeyID: data.KeyID(pub), BureauPublicKey: pub, Scratch: string(f)}).Register(mux)
	web, err := portal.New(e.ctx, db, blobstore.Dir(f.blobs()), e.log)
	if err != nil {
		return nil, err
	}
	web.SealKey, web.PublicURL = key, publicURL
	// The console's backups go beside the database, one file a time.
	web.BackupDir = filepath.Join(string(f), "backups")
	web.Backup = func(ctx context.Context) (string, error) {
		if err := os.MkdirAll(web.BackupDir, 0o700); err != nil {
			return "", err
		}
		out := filepath.Join(web.BackupDir, "titledesk-"+time.Now().In(data.Shanghai).Format("20060102-150405")+".db")
		return out, writeBackup(ctx, f, db, out)
	}
	web.Register(mux)
	return mux, nil
}
