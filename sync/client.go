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

	"titledesk/data"
)

// Client is the workstation's side of the API.
type Client struct {
	BaseURL string // e.g. https://127.0.0.1:8443
	HTTP    *http.Client
	Token   string
}

// ErrUnreachable wraps every failure to reach the server at all, so the
// sync loop can tell "offline, back off" from an answer it must act on.
var ErrUnreachable = errors.New("server unreachable")

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

// Pull fetches the page of changes after cursor.
func (c *Client) Pull(ctx context.Context, cursor int64, limit int) (*PullResponse, error) {
	var resp PullResponse
	path := fmt.Sprintf("/api/v1/sync/pull?cursor=%d&limit=%d", cursor, limit)
	if err := c.do(ctx, http.MethodGet, path, nil, &resp); err != nil {
		return nil, err
	}
	return &resp, nil
}

// do sends body as JSON and decodes a 200 answer into out. An error answer
// becomes a *data.Error with the server's code and Chinese message.
func (c *Client) do(ctx context.Context, method, path string, body, out any) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, strings.TrimRight(c.BaseURL, "/")+path, rd)
	if err != nil {
		return data.Errorf(data.EINVALID, "服务器地址不正确：%w", err)
	}
	req.Header.Set(ProtocolHeader, fmt.Sprint(ProtocolVersion))
	req.Header.Set("Content-Type", "application/json")
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	resp, err := c.HTTP.Do(req)
	if err != nil {
		if errors.Is(err, ErrPinMismatch) {
			return data.Errorf(data.EUNAUTHORIZED, "服务器证书与登记的指纹不符：请核对服务器地址，或联系市局信息科（%w）", err)
		}
		var ue *url.Error
		if errors.As(err, &ue) && ctx.Err() == nil {
			return fmt.Errorf("%w: %w", ErrUnreachable, err)
		}
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		var eb ErrorBody
		raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		if json.Unmarshal(raw, &eb) != nil || eb.Code == "" {
			// Not our server's JSON (a proxy page, a crash): treat as transient.
			return fmt.Errorf("%w: %s answered %s", ErrUnreachable, path, resp.Status)
		}
		if resp.StatusCode >= 500 {
			return fmt.Errorf("%w: %w", ErrUnreachable, &data.Error{Code: eb.Code, Message: eb.Message})
		}
		return &data.Error{Code: eb.Code, Message: eb.Message}
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("%w: decode %s: %w", ErrUnreachable, path, err)
	}
	return nil
}
