package notify

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"time"

	"titledesk/data"
)

// Record is the default provider: it sends nothing. The queue already keeps
// every message, so an admin reads them with `titledesk-server admin sms list`.
type Record struct{}

func (Record) Name() string                         { return "record" }
func (Record) Send(context.Context, data.SMS) error { return nil }

// Gateway posts each message to an HTTP SMS gateway as JSON, with the
// message's dedupe key as Idempotency-Key so a repeat after a lost response
// is dropped by the gateway.
type Gateway struct {
	URL    string
	APIKey string
	// Templates maps a message kind to the gateway's registered template ID;
	// Chinese SMS gateways only send pre-approved templates.
	Templates map[string]string
	Client    *http.Client
}

type gatewayRequest struct {
	Mobile     string `json:"mobile"`
	TemplateID string `json:"template_id"`
	Text       string `json:"text"`
}

func (g *Gateway) Name() string { return "gateway" }

func (g *Gateway) Send(ctx context.Context, m data.SMS) error {
	tid, ok := g.Templates[m.Template]
	if !ok {
		tid = m.Template
	}
	body, err := json.Marshal(gatewayRequest{Mobile: m.Mobile, TemplateID: tid, Text: m.Text})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+g.APIKey)
	req.Header.Set("Idempotency-Key", m.DedupeKey)
	c := g.Client
	if c == nil {
		c = &http.Client{Timeout: 15 * time.Second}
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	msg, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("gateway answered %s: %s", resp.Status, bytes.TrimSpace(msg))
	}
	return nil
}
