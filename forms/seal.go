package forms

import (
	"crypto/ed25519"
	"encoding/base32"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode"

	"titledesk/data"
)

// Payload is a parsed QR seal:
//
//	TD1.<kind>.<application no>.<version>.<digest>.<key id>.<signature>
//
// Every character is in the QR alphanumeric set (digits, upper-case letters,
// '.', '-'), so the code stays small and a USB scanner in keyboard mode can
// type it. Digest and signature are upper-case base32 without padding.
type Payload struct {
	Kind      data.Document
	AppNo     string
	Version   int
	Digest    string // 16 base32 characters: the first 80 bits of SHA-256
	KeyID     string
	Signature []byte // Ed25519 over the payload text before ".<signature>"
}

const (
	payloadPrefix = "TD1"
	digestLen     = 16  // base32 characters of 10 bytes
	signatureLen  = 103 // base32 characters of 64 bytes
	maxIDLen      = 32
	maxVersionLen = 9 // fits int everywhere
)

var b32 = base32.StdEncoding.WithPadding(base32.NoPadding)

// signed is the text the signature covers.
func (p Payload) signed() string {
	return fmt.Sprintf("%s.%s.%s.%d.%s.%s", payloadPrefix, p.Kind, p.AppNo, p.Version, p.Digest, p.KeyID)
}

// String is the payload as printed in the QR code.
func (p Payload) String() string {
	return p.signed() + "." + b32.EncodeToString(p.Signature)
}

// Seal signs a document's identity and digest (see Digest) and returns the
// QR payload. Application numbers and key ids may use digits, upper-case
// letters and '-'.
func Seal(kind data.Document, appNo string, version int, digest, keyID string, key ed25519.PrivateKey) (string, error) {
	p := Payload{Kind: kind, AppNo: appNo, Version: version, Digest: digest, KeyID: keyID}
	switch {
	case kind.Label() == "":
		return "", data.Errorf(data.EINVALID, "无法签章：未知的文书类型 %q", string(kind))
	case !isIDText(appNo):
		return "", data.Errorf(data.EINVALID, "无法签章：申请编号“%s”只能由数字、大写字母和“-”组成（最多 %d 位）", appNo, maxIDLen)
	case !isIDText(keyID):
		return "", data.Errorf(data.EINVALID, "无法签章：密钥编号“%s”只能由数字、大写字母和“-”组成", keyID)
	case version < 0 || len(strconv.Itoa(version)) > maxVersionLen:
		return "", data.Errorf(data.EINVALID, "无法签章：版本号 %d 超出范围", version)
	case !isBase32(digest, digestLen):
		return "", data.Errorf(data.EINVALID, "无法签章：摘要格式不正确")
	case len(key) != ed25519.PrivateKeySize:
		return "", data.Errorf(data.EINVALID, "无法签章：签章密钥无效")
	}
	p.Signature = ed25519.Sign(key, []byte(p.signed()))
	return p.String(), nil
}

// SealURL is the text of a seal's QR code printed as a link (a 职称证书's):
// the verification page's address upper-cased, then the payload, e.g.
//
//	HTTPS://ZC.EXAMPLE.GOV.CN/V/TD1.C.KH2026-000123.1.<digest>.<key id>.<signature>
//
// Upper case keeps the whole text in the QR alphanumeric set, so the code
// stays small, and a phone's camera opens the page; ParsePayload reads the
// seal out of it, so a desk's scanner verifies it as any other. base is an
// http or https address ending in "/v/" (any case) that stays in that set
// once upper-cased (no "?", "=", "&", "_", "~" or spaces). The server must
// serve the upper-cased path: hosts ignore case, paths do not.
func SealURL(base, payload string) (string, error) {
	u := strings.ToUpper(strings.TrimSpace(base))
	scheme := urlScheme(u)
	switch {
	case scheme == "" || !strings.HasSuffix(u, verifyPath) || len(u) <= len(scheme)+len(verifyPath) || u[len(scheme)] == '/':
		return "", data.Errorf(data.EINVALID, "核验网址“%s”须以 http:// 或 https:// 开头、以 /v/ 结尾", base)
	case strings.Trim(u, qrAlphanumeric) != "" || strings.Contains(u, " "):
		return "", data.Errorf(data.EINVALID, "核验网址“%s”只能由字母、数字和 -.:/$%%*+ 组成，以便二维码保持简小", base)
	}
	return u + payload, nil
}

const (
	verifyPath     = "/V/"
	qrAlphanumeric = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
)

// urlScheme is the http or https prefix of an upper-cased text, or "".
func urlScheme(u string) string {
	for _, p := range []string{"HTTPS://", "HTTP://"} {
		if strings.HasPrefix(u, p) {
			return p
		}
	}
	return ""
}

// ParsePayload reads a scanned payload. Scanners in keyboard mode add
// surrounding whitespace or Enter, and type lower case when Caps Lock is on,
// so surrounding whitespace is trimmed and letters are upper-cased: the
// payload alphabet has no lower case, so this loses nothing. A payload
// printed as a link (SealURL) is read out of it: an http or https address
// up to and including its last "/V/" is dropped, whatever its host. Anything
// else out of shape is refused; the parse is strict so each payload has one
// spelling, besides its link.
func ParsePayload(s string) (Payload, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	if scheme := urlScheme(s); scheme != "" {
		i := strings.LastIndex(s, verifyPath)
		if i <= len(scheme) || strings.ContainsFunc(s[:i], unicode.IsSpace) {
			return Payload{}, &data.Error{Code: data.EINVALID, Message: "不是本系统打印文书的二维码", Err: errNotSeal}
		}
		s = s[i+len(verifyPath):]
		if strings.HasPrefix(payloadPrefix+".", s) { // the link read only to its seal's first characters
			return Payload{}, &data.Error{Code: data.EINVALID, Message: "二维码没有读全", Err: errCutShort}
		}
	}
	parts := strings.Split(s, ".")
	switch {
	case parts[0] != payloadPrefix || len(parts) > 7:
		return Payload{}, &data.Error{Code: data.EINVALID, Message: "不是本系统打印文书的二维码", Err: errNotSeal}
	case len(parts) < 7 || len(parts[6]) < signatureLen:
		return Payload{}, &data.Error{Code: data.EINVALID, Message: "二维码没有读全", Err: errCutShort}
	}
	var p Payload
	if data.Document(parts[1]).Label() == "" {
		return Payload{}, data.Errorf(data.EINVALID, "二维码中的文书类型无法识别")
	}
	p.Kind = data.Document(parts[1])
	if p.AppNo = parts[2]; !isIDText(p.AppNo) {
		return Payload{}, data.Errorf(data.EINVALID, "二维码中的申请编号格式不正确")
	}
	v := parts[3]
	if v == "" || len(v) > maxVersionLen || (len(v) > 1 && v[0] == '0') || strings.Trim(v, "0123456789") != "" {
		return Payload{}, data.Errorf(data.EINVALID, "二维码中的版本号格式不正确")
	}
	p.Version, _ = strconv.Atoi(v)
	if p.Digest = parts[4]; !isBase32(p.Digest, digestLen) {
		return Payload{}, data.Errorf(data.EINVALID, "二维码中的摘要格式不正确")
	}
	if p.KeyID = parts[5]; !isIDText(p.KeyID) {
		return Payload{}, data.Errorf(data.EINVALID, "二维码中的密钥编号格式不正确")
	}
	if !isBase32(parts[6], signatureLen) {
		return Payload{}, data.Errorf(data.EINVALID, "二维码中的签名格式不正确")
	}
	p.Signature, _ = b32.DecodeString(parts[6])
	return p, nil
}

// Why a scanned payload is no seal at all, as opposed to one out of shape
// (伪造): another code (the page's payment code, another system's), or a
// seal whose end the scanner lost (a crease, a scan stopped early).
var (
	errNotSeal  = errors.New("not a seal of this system")
	errCutShort = errors.New("a seal cut short")
)

// isIDText: 1–32 characters of 0-9, A-Z and '-'.
func isIDText(s string) bool {
	if s == "" || len(s) > maxIDLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c == '-') {
			return false
		}
	}
	return true
}

// isBase32 accepts only the canonical unpadded encoding (unused trailing bits
// zero), so a payload cannot be respelled while keeping its signature.
func isBase32(s string, n int) bool {
	if len(s) != n {
		return false
	}
	b, err := b32.DecodeString(s)
	return err == nil && b32.EncodeToString(b) == s
}

// KeyRing holds the public keys a workstation has synced. Application forms
// and certificates (data.Document.BureauSealed) must carry a bureau key;
// counter documents a device key. A key in the
// wrong ring does not verify, so a workstation's key cannot mint forms.
type KeyRing struct {
	Bureau  map[string]ed25519.PublicKey
	Devices map[string]ed25519.PublicKey
	// Revoked says when each revoked device key was revoked.
	Revoked map[string]time.Time
}

// CurrentRecord is what the local store knows now about the document a
// payload names: the version and the digest of the fields it would print,
// and when the record reached that version. For a certificate the version
// is VersionOf(CertificateOf(…)), always 1.
type CurrentRecord struct {
	Version int
	Digest  string
	At      time.Time
	// A document the bureau revoked (a 职称证书, data.Certificate's
	// RevokedAt and RevokedWhy): when and why. Revoked when either is set;
	// its papers then verify as Revoked, whatever they print.
	RevokedAt  time.Time
	RevokedWhy string
}

// Lookup finds the current record for a sealed document; ok is false when
// this workstation has no such record (not synced yet, or never issued).
type Lookup func(kind data.Document, appNo string) (rec CurrentRecord, ok bool)

// Status is the outcome of verifying a seal.
type Status int

const (
	Genuine    Status = iota // signature good, record unchanged
	Forged                   // a seal out of shape or with a bad signature
	Stale                    // signature good, record changed since printing
	UnknownKey               // signed by a key this workstation does not know
	NoRecord                 // signature good, but no local record to compare
	Revoked                  // signed by a workstation revoked before the record it prints, or a revoked certificate
	Unreadable               // not all of a seal was read, or not a seal of this system at all
)

// Verdict is what the clerk is told.
type Verdict struct {
	Status  Status
	Payload Payload // as far as it parsed
	Message string  // one Chinese sentence for the clerk
}

// Verify checks a scanned payload offline against the synced keys and the
// local record.
func Verify(payload string, keys KeyRing, lookup Lookup) Verdict {
	p, err := ParsePayload(payload)
	switch {
	case err == nil:
	case errors.Is(err, errNotSeal):
		// Another code of the page (the payment code) or another system's.
		return Verdict{Unreadable, p, "无法识别：这不是本系统文书的核验码，请扫描文书右上角的“扫码核验”二维码"}
	case errors.Is(err, errCutShort):
		return Verdict{Unreadable, p, "无法识别，请重扫：二维码没有读全。重扫仍不能识别的，不是本系统打印的文书"}
	default:
		return Verdict{Forged, p, "伪造：" + data.ErrorMessage(err)}
	}
	ring, other := keys.Devices, keys.Bureau
	if p.Kind.BureauSealed() {
		ring, other = other, ring
	}
	pub, ok := ring[p.KeyID]
	if !ok {
		if _, wrong := other[p.KeyID]; wrong {
			return Verdict{Forged, p, fmt.Sprintf("伪造：%s不应由密钥 %s 签章", p.Kind.Label(), p.KeyID)}
		}
		return Verdict{UnknownKey, p, fmt.Sprintf("未知密钥：本机没有密钥 %s，请同步后再核验", p.KeyID)}
	}
	if !ed25519.Verify(pub, []byte(p.signed()), p.Signature) {
		return Verdict{Forged, p, "伪造：签名不符，二维码内容被改动或不是本系统签发"}
	}
	cur, ok := lookup(p.Kind, p.AppNo)
	// A revoked workstation's seal counts only on a record made before it
	// was revoked: a stolen PC cannot issue "genuine" papers.
	if at, revoked := keys.Revoked[p.KeyID]; revoked && (!ok || !cur.At.Before(at)) {
		return Verdict{Revoked, p, fmt.Sprintf("已停用：签章的工作站已于 %s 被市局停用，此单据不予认可，请核对后重新出具", at.In(data.Shanghai).Format("2006-01-02 15:04"))}
	}
	switch {
	case !ok:
		return Verdict{NoRecord, p, fmt.Sprintf("签章有效，但本机没有申请 %s 的%s记录，请同步后再核验", p.AppNo, p.Kind.Label())}
	case !cur.RevokedAt.IsZero() || cur.RevokedWhy != "":
		// Before the comparisons: a revoked certificate is not valid
		// however faithfully it prints the record.
		when, why := "", ""
		if !cur.RevokedAt.IsZero() {
			when = "于 " + cur.RevokedAt.In(data.Shanghai).Format("2006-01-02") + " "
		}
		if cur.RevokedWhy != "" {
			why = "（" + cur.RevokedWhy + "）"
		}
		return Verdict{Revoked, p, fmt.Sprintf("已撤销：该%s已%s被市局撤销%s，不再有效", p.Kind.Label(), when, why)}
	case cur.Version != p.Version:
		return Verdict{Stale, p, fmt.Sprintf("已过期：打印后记录已变更（打印时为第 %d 版，现为第 %d 版），请重新打印", p.Version, cur.Version)}
	case cur.Digest != p.Digest:
		return Verdict{Stale, p, "已过期：打印后记录已变更（打印内容与现有记录不一致），请重新打印"}
	}
	return Verdict{Genuine, p, fmt.Sprintf("正本有效：申请 %s 的%s（第 %d 版）", p.AppNo, p.Kind.Label(), p.Version)}
}
