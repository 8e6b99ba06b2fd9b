package sync

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"strings"
	"time"

	"titledesk/data"
)

// SelfSignedCert makes a certificate and key (PEM) for hosts, valid for ten
// years: the bureau may run without a public CA because workstations pin the
// certificate's fingerprint at enrollment.
func SelfSignedCert(hosts []string, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return nil, nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "TitleDesk bureau server", Organization: []string{"TitleDesk"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	keyDER, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		return nil, nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: keyDER}), nil
}

// Fingerprint is the SHA-256 of a DER certificate as colon-separated
// upper-case hex, the form browsers and openssl show.
func Fingerprint(der []byte) string {
	sum := sha256.Sum256(der)
	parts := make([]string, len(sum))
	for i, b := range sum {
		parts[i] = fmt.Sprintf("%02X", b)
	}
	return strings.Join(parts, ":")
}

// normalizeFingerprint accepts what a person may paste: any case, with or
// without colons or spaces.
func normalizeFingerprint(s string) (string, error) {
	clean := strings.NewReplacer(":", "", " ", "", "-", "").Replace(strings.TrimSpace(s))
	b, err := hex.DecodeString(clean)
	if err != nil || len(b) != sha256.Size {
		return "", data.Errorf(data.EINVALID, "证书指纹格式不正确：应为 64 位十六进制（可带冒号）")
	}
	return strings.ToUpper(clean), nil
}

// ErrPinMismatch is returned when the server shows another certificate than
// the one pinned at enrollment: a wrong address, or someone in between.
var ErrPinMismatch = errors.New("server certificate does not match the pinned fingerprint")

// PinnedClient is an HTTP client that trusts exactly the certificate with the
// given SHA-256 fingerprint and nothing else, whatever CA signed it.
func PinnedClient(fingerprint string, timeout time.Duration) (*http.Client, error) {
	want, err := normalizeFingerprint(fingerprint)
	if err != nil {
		return nil, err
	}
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.TLSClientConfig = &tls.Config{
		MinVersion: tls.VersionTLS12,
		// Chain and name checks are replaced by the pin, checked below.
		InsecureSkipVerify: true,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return ErrPinMismatch
			}
			got := strings.ReplaceAll(Fingerprint(cs.PeerCertificates[0].Raw), ":", "")
			if got != want {
				return fmt.Errorf("%w (got %s)", ErrPinMismatch, got)
			}
			return nil
		},
	}
	return &http.Client{Transport: tr, Timeout: timeout}, nil
}
