package sync

import (
	"bytes"
	"io"
	"net/http"
	"strings"

	"github.com/klauspost/compress/zstd"
)

// Bodies of the API go compressed with zstd both ways once both sides
// speak it (DESIGN.md section 4): a pull page of applications is mostly
// repeated keys and Chinese that compresses about 8:1. A client says so
// with Accept-Encoding; it compresses a request only after the server has
// answered it compressed, so a desk never sends what an older server
// cannot read.
const zstdEncoding = "zstd"

// encoder compresses whole bodies (EncodeAll is safe for concurrent use).
var encoder, _ = zstd.NewWriter(nil, zstd.WithEncoderConcurrency(1))

// newDecoder reads a zstd stream in bounded memory: one goroutine and a
// window no larger than what the API ever sends.
func newDecoder(r io.Reader) (*zstd.Decoder, error) {
	return zstd.NewReader(r, zstd.WithDecoderConcurrency(1), zstd.WithDecoderMaxWindow(8<<20))
}

// accepts tells whether the request's client reads zstd answers.
func accepts(r *http.Request) bool {
	for _, e := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		if strings.TrimSpace(strings.SplitN(e, ";", 2)[0]) == zstdEncoding {
			return true
		}
	}
	return false
}

// compressing answers a client that accepts zstd: JSON bodies are held and
// sent compressed by finish; anything else (a scan, a snapshot, already
// compressed) passes through as it is.
type compressing struct {
	http.ResponseWriter
	status  int
	json    bool
	decided bool
	buf     bytes.Buffer
}

func (c *compressing) WriteHeader(status int) {
	if c.decided {
		return
	}
	c.decided, c.status = true, status
	c.json = strings.HasPrefix(c.Header().Get("Content-Type"), "application/json")
	if !c.json {
		c.ResponseWriter.WriteHeader(status)
	}
}

func (c *compressing) Write(p []byte) (int, error) {
	c.WriteHeader(http.StatusOK)
	if !c.json {
		return c.ResponseWriter.Write(p)
	}
	return c.buf.Write(p)
}

// finish sends a held JSON body, compressed.
func (c *compressing) finish() {
	if !c.json {
		return
	}
	h := c.Header()
	h.Set("Content-Encoding", zstdEncoding)
	h.Add("Vary", "Accept-Encoding")
	h.Del("Content-Length")
	c.ResponseWriter.WriteHeader(c.status)
	_, _ = c.ResponseWriter.Write(encoder.EncodeAll(c.buf.Bytes(), nil))
}

// decodedBody is a compressed body read through its decoder.
type decodedBody struct {
	*zstd.Decoder
	body io.Closer
}

func (d decodedBody) Close() error {
	d.Decoder.Close()
	return d.body.Close()
}

// decompress replaces a zstd-encoded body by what it decodes to; limits on
// the body (decodeJSON's maxBody) then apply to the decoded size, so a
// small bomb cannot grow past them.
func decompress(h http.Header, body io.ReadCloser) (io.ReadCloser, error) {
	if h.Get("Content-Encoding") != zstdEncoding {
		return body, nil
	}
	d, err := newDecoder(body)
	if err != nil {
		return nil, err
	}
	h.Del("Content-Encoding")
	return decodedBody{d, body}, nil
}
