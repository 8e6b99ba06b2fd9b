package sync

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"titledesk/data"
)

// FuzzDecodeRequests feeds arbitrary bodies to the server's decoder for
// every request type: it never panics, refuses with EINVALID, and whatever
// it accepts survives a round trip through JSON.
func FuzzDecodeRequests(f *testing.F) {
	f.Add([]byte(`{"commands":[{"Seq":1,"At":"2026-11-27T10:00:00Z","Command":{"ID":"x","Action":"liaison_pass"}}]}`))
	f.Add([]byte(`{"code":"ABCD-EFGH-JKLM","public_key":"AAAA","hostname":"柜台"}`))
	f.Add([]byte(`{"commands":[{"Seq":-1,"Command":{"Payment":{"Amount":1e30}}}]}`))
	f.Add([]byte(`[]`))
	f.Add([]byte{0xff, 0xfe})
	f.Fuzz(func(t *testing.T, body []byte) {
		for _, v := range []any{&PushRequest{}, &EnrollRequest{}} {
			r := httptest.NewRequest(http.MethodPost, "/", bytes.NewReader(body))
			err := decodeJSON(httptest.NewRecorder(), r, v)
			if err != nil {
				if data.ErrorCode(err) != data.EINVALID {
					t.Fatalf("refusal with code %q: %v", data.ErrorCode(err), err)
				}
				continue
			}
			if _, err := json.Marshal(v); err != nil {
				t.Fatalf("accepted %q but cannot encode it: %v", body, err)
			}
		}
	})
}

// FuzzClientAnswers feeds arbitrary server answers to the client: it never
// panics and every failure is a coded error or a transient one.
func FuzzClientAnswers(f *testing.F) {
	f.Add(200, []byte(`{"results":[],"acked_seq":3}`))
	f.Add(409, []byte(`{"code":"conflict","message":"已被他人处理"}`))
	f.Add(502, []byte(`<html>bad gateway</html>`))
	f.Add(200, []byte(`{"results":`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		if status < 100 || status > 599 {
			return
		}
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(status)
			w.Write(body)
		}))
		defer srv.Close()
		c := &Client{BaseURL: srv.URL, HTTP: srv.Client()}
		_, err := c.Push(t.Context(), nil)
		if err == nil {
			return
		}
		var de *data.Error
		if !errors.Is(err, ErrUnreachable) && !errors.As(err, &de) {
			t.Fatalf("status %d body %q: uncoded error %v", status, body, err)
		}
	})
}
