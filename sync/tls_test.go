package sync

import (
	"crypto/tls"
	"encoding/pem"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// pinnedServer serves "ok" over TLS with a fresh self-signed certificate and
// returns its URL and fingerprint.
func pinnedServer(t *testing.T) (string, string) {
	t.Helper()
	certPEM, keyPEM, err := SelfSignedCert([]string{"127.0.0.1", "localhost"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	pair, err := tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok"))
	}))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{pair}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	block, _ := pem.Decode(certPEM)
	return srv.URL, Fingerprint(block.Bytes)
}

func TestPinnedClient(t *testing.T) {
	url, fp := pinnedServer(t)
	_, otherFP := pinnedServer(t)

	for _, tc := range []struct {
		name, pin string
		ok        bool
	}{
		{"exact", fp, true},
		{"lower case without colons", strings.ToLower(strings.ReplaceAll(fp, ":", "")), true},
		{"another server's certificate", otherFP, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := PinnedClient(tc.pin, 5*time.Second)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := c.Get(url)
			if tc.ok {
				if err != nil {
					t.Fatalf("pinned request failed: %v", err)
				}
				resp.Body.Close()
				return
			}
			if err == nil {
				resp.Body.Close()
				t.Fatal("a certificate with another fingerprint was accepted")
			}
			if !errors.Is(err, ErrPinMismatch) {
				t.Fatalf("error %v is not ErrPinMismatch", err)
			}
		})
	}
}

func TestPinnedClientRefusesMalformedFingerprint(t *testing.T) {
	for _, pin := range []string{"", "AB:CD", strings.Repeat("Z", 64)} {
		if _, err := PinnedClient(pin, time.Second); err == nil {
			t.Errorf("fingerprint %q accepted", pin)
		}
	}
}
