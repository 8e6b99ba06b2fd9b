package main

import (
	"crypto/tls"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	tdsync "titledesk/sync"
)

// TestServerHeadersTLSAndDeadlines: every answer, a portal page, a static
// file and the sync API alike, carries HSTS and nosniff; TLS 1.2 offers only
// AEAD suites (a client offering CBC-SHA1 alone is refused); a client that
// trickles its body is cut off at the read deadline instead of holding a
// connection.
func TestServerHeadersTLSAndDeadlines(t *testing.T) {
	saved := limits
	limits.read = 2 * time.Second
	t.Cleanup(func() { limits = saved })
	b := newBureau(t)
	srv := startServer(t, b.dir)
	httpc, err := tdsync.PinnedClient(b.fingerprint, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"/login", "/static/portal.css", "/api/v1/sync/pull", "/no-such-page"} {
		resp, err := httpc.Get(srv.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if hsts, sniff := resp.Header.Get("Strict-Transport-Security"), resp.Header.Get("X-Content-Type-Options"); !strings.Contains(hsts, "max-age=") || sniff != "nosniff" {
			t.Errorf("%s (%s): HSTS %q, X-Content-Type-Options %q", path, resp.Status, hsts, sniff)
		}
	}

	host := strings.TrimPrefix(srv.url, "https://")
	cbc := &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12,
		CipherSuites: []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA, tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA}}
	if c, err := tls.Dial("tcp", host, cbc); err == nil {
		c.Close()
		t.Error("a TLS 1.2 handshake offering only CBC-SHA1 suites succeeded")
	}
	aead := &tls.Config{InsecureSkipVerify: true, MaxVersion: tls.VersionTLS12}
	c, err := tls.Dial("tcp", host, aead)
	if err != nil {
		t.Fatalf("TLS 1.2 with AEAD suites: %v", err)
	}
	c.Close()

	// A body that never finishes: the server hangs up at the read deadline.
	conn, err := tls.Dial("tcp", host, aead)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	start := time.Now()
	io.WriteString(conn, "POST /login HTTP/1.1\r\nHost: "+host+"\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nlogin=")
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err = io.Copy(io.Discard, conn)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server kept a stalled upload's connection open 20 s")
	}
	if held := time.Since(start); held > 10*time.Second {
		t.Errorf("a stalled body held its connection %s", held)
	}
}
