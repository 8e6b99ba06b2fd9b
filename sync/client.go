package sync

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"titledesk/data"
)

// Client is the workstation's side of the API.
type Client struct {
	BaseURL string // e.g. https://127.0.0.1:8443
	HTTP    *http.Client
	Token   string
	// Clock, when set, is corrected by the server's time on every answer.
	Clock *Clock
	// Stall is how long a snapshot download may go without a byte before
	// it is given up (default 60 s): unlike other requests it is not held
	// to HTTP's timeout as a whole, which a slow line would never meet.
	Stall time.Duration

	// compress is set once the server has answered compressed: from then
	// on request bodies go compressed too (see zstdEncoding).
	compress atomic.Bool
}

// ErrNoSnapshot is a server too old to send a snapshot: the desk pulls page
// by page instead.
var ErrNoSnapshot = errors.New("server sends no snapshot")

// ErrUnreachable wraps every failure to reach the server at all, so the
// sync loop can tell "offline, back off" from an answer it must act on.
var ErrUnreachable = &data.Error{Code: data.EOFFLINE, Message: "离线：操作已保存在本机，联网后自动同步", Err: errors.New("server unreachable")}

// Enroll spends a one-time code.
func (c *Client) Enroll(ctx context.Context, req EnrollRequest) (*EnrollResponse, error) {
	var resp EnrollResponse
	if err := c.do(ctx, http.MethodPost, "/api/v1/enroll", req, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// Push sends a batch of outbox rows.
func (c *Client) Push(ctx context.Context, cmds []data.PushedCommand) (*PushResponse, error) {
	var resp PushResponse
	if err := c.do(ctx, http.MethodPost, "/api/v1/sync/push", PushRequest{Commands: cmds}, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// ChangePassword changes a clerk's password on the server (it must be
// reachable: the old one is checked there).
func (c *Client) ChangePassword(ctx context.Context, login, current, next string) error {
	return c.do(ctx, http.MethodPost, "/api/v1/password", PasswordRequest{Login: login, Current: current, New: next}, &struct{}{})
}

// State asks what the server knows of this device and of itself.
func (c *Client) State(ctx context.Context) (*data.SyncState, error) {
	var st data.SyncState
	if err := c.do(ctx, http.MethodGet, "/api/v1/sync/state", nil, &st); err != nil {
		return nil, err
	}
	return &st, nil
}

// Results fetches a page of this device's stored outcomes after seq.
func (c *Client) Results(ctx context.Context, after int64) (*ResultsResponse, error) {
	var resp ResultsResponse
	if err := c.do(ctx, http.MethodGet, fmt.Sprintf("/api/v1/sync/results?after=%d", after), nil, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// Pull fetches the page of changes after cursor.
func (c *Client) Pull(ctx context.Context, cursor int64, limit int) (*PullResponse, error) {
	var resp PullResponse
	path := fmt.Sprintf("/api/v1/sync/pull?cursor=%d&limit=%d", cursor, limit)
	if err := c.do(ctx, http.MethodGet, path, nil, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// Snapshot downloads everything in this device's scope as one SQLite file
// (see Server.snapshot); the caller reads it, decompressed, and closes it.
func (c *Client) Snapshot(ctx context.Context) (_ io.ReadCloser, err error) {
	stall := c.Stall
	if stall <= 0 {
		stall = 60 * time.Second
	}
	ctx, cancel := context.WithCancelCause(ctx)
	guard := &stallGuard{ctx: ctx, limit: stall, timer: time.AfterFunc(stall, func() { cancel(errStalled) }), cancel: func() { cancel(nil) }}
	defer func() {
		if err != nil {
			guard.stop()
		}
		err = guard.offline(err)
	}()
	req, err := c.request(ctx, http.MethodGet, "/api/v1/sync/snapshot", nil)
	if err != nil {
		return nil, err
	}
	whole := *c.HTTP
	whole.Timeout = 0 // the guard watches the download instead
	resp, err := c.send(&whole, req)
	if err != nil {
		return nil, err
	}
	switch {
	case resp.StatusCode == http.StatusNotFound && !strings.HasPrefix(resp.Header.Get("Content-Type"), "application/json"):
		resp.Body.Close()
		return nil, ErrNoSnapshot
	case resp.StatusCode/100 != 2:
		defer resp.Body.Close()
		return nil, errorFrom(resp)
	case resp.Header.Get("Content-Type") != snapshotType:
		resp.Body.Close()
		return nil, fmt.Errorf("%w: snapshot came as %q", ErrUnreachable, resp.Header.Get("Content-Type"))
	}
	d, err := newDecoder(resp.Body)
	if err != nil {
		resp.Body.Close()
		return nil, err
	}
	guard.ReadCloser = decodedBody{d, resp.Body}
	return guard, nil
}

// errStalled is why a download was given up: no byte for Client.Stall.
var errStalled = errors.New("no byte from the server for too long")

// stallGuard gives a download up when no byte has come for limit; that is
// the line's fault, as much as no answer at all (ErrUnreachable).
type stallGuard struct {
	io.ReadCloser
	ctx    context.Context
	limit  time.Duration
	timer  *time.Timer
	cancel func()
}

func (g *stallGuard) Read(p []byte) (int, error) {
	n, err := g.ReadCloser.Read(p)
	if n > 0 {
		g.timer.Reset(g.limit)
	}
	return n, g.offline(err)
}

// offline is err, told as ErrUnreachable when the stall gave it.
func (g *stallGuard) offline(err error) error {
	if err != nil && errors.Is(context.Cause(g.ctx), errStalled) && !errors.Is(err, ErrUnreachable) {
		return fmt.Errorf("%w: %w", ErrUnreachable, errStalled)
	}
	return err
}

func (g *stallGuard) Close() error {
	g.stop()
	return g.ReadCloser.Close()
}

func (g *stallGuard) stop() {
	g.timer.Stop()
	g.cancel()
}

// request builds a request with the protocol header and the token. body
// is sent as JSON, or as it is when it is a rawBody.
func (c *Client) request(ctx context.Context, method, path string, body any) (*http.Request, error) {
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case rawBody:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		if c.compress.Load() {
			j = encoder.EncodeAll(j, nil)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, rd)
	if err != nil {
		return nil, data.Errorf(data.EINVALID, "服务器地址不正确：%w", err)
	}
	req.Header.Set(ProtocolHeader, fmt.Sprint(ProtocolVersion))
	req.Header.Set(BuildHeader, Build)
	if _, raw := body.(rawBody); !raw && body != nil {
		req.Header.Set("Content-Type", "application/json")
		if c.compress.Load() {
			req.Header.Set("Content-Encoding", zstdEncoding)
		}
	}
	req.Header.Set("Accept-Encoding", zstdEncoding)
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	return req, nil
}

// send sends a request through hc, telling a pinning failure (a person must
// act) from an unreachable server (try again later).
func (c *Client) send(hc *http.Client, req *http.Request) (*http.Response, error) {
	var sent time.Time
	if c.Clock != nil {
		sent = c.Clock.Local()
	}
	resp, err := hc.Do(req)
	if err == nil && resp.Header.Get("Content-Encoding") == zstdEncoding {
		c.compress.Store(true)
		if resp.Body, err = decompress(resp.Header, resp.Body); err != nil {
			resp.Body.Close()
			return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
	}
	if err == nil {
		if at, perr := time.Parse(time.RFC3339Nano, resp.Header.Get(TimeHeader)); c.Clock != nil && perr == nil {
			c.Clock.observe(at, sent, c.Clock.Local())
		}
		return resp, nil
	}
	if errors.Is(err, ErrPinMismatch) {
		return nil, data.Errorf(data.EUNAUTHORIZED, "服务器证书与登记的指纹不符：请核对服务器地址，或联系市局信息科（%w）", err)
	}
	var ue *url.Error
	if errors.As(err, &ue) && req.Context().Err() == nil {
		return nil, fmt.Errorf("%w: %w", ErrUnreachable, err)
	}
	return nil, err
}

// errorFrom turns an error answer into a *data.Error with the server's code
// and Chinese message; answers that are not ours, and 5xx, are transient.
func errorFrom(resp *http.Response) error {
	var eb ErrorBody
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if json.Unmarshal(raw, &eb) != nil || eb.Code == "" {
		return fmt.Errorf("%w: %s answered %s", ErrUnreachable, resp.Request.URL.Path, resp.Status)
	}
	if resp.StatusCode >= 500 {
		// The server's own words first: they say more than "offline".
		return fmt.Errorf("%w: %w", &data.Error{Code: eb.Code, Message: eb.Message}, ErrUnreachable)
	}
	return &data.Error{Code: eb.Code, Message: eb.Message}
}

// do sends body and decodes a 200 answer into out (nil for none).
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	req, err := c.request(ctx, method, path, body)
	if err != nil {
		return err
	}
	resp, err := c.send(c.HTTP, req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return errorFrom(resp)
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%w: decode %s: %w", ErrUnreachable, path, err)
	}
	return nil
}
