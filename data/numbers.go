package data

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// SeriesCertificate is the number series a bureau workstation issues
// offline (证书编号, see CertificateNo), counted per Shanghai day on the
// device by the counter DeviceNumber.Counter names. Payment notices are
// the finance system's (notice_issue), never numbered here.
const SeriesCertificate = "certificate"

// CertificateNo builds the number of a certificate issued at a bureau
// workstation, e.g. "ZC-B2-20261012-0007".
func CertificateNo(deviceCode string, at time.Time, seq int64) string {
	return DeviceNumber{Series: SeriesCertificate, Device: Normalize(deviceCode), Day: dayOf(at), Seq: seq}.String()
}

// NumberCounter names the device counter of a series on the day of at.
func NumberCounter(series string, at time.Time) string { return series + "/" + dayOf(at) }

func dayOf(at time.Time) string { return at.In(Shanghai).Format("20060102") }

// DeviceNumber is a number read back from CertificateNo.
type DeviceNumber struct {
	Series, Device, Day string
	Seq                 int64
}

// Counter is the device counter that issued the number.
func (n DeviceNumber) Counter() string { return n.Series + "/" + n.Day }

// String is the number as printed.
func (n DeviceNumber) String() string { return fmt.Sprintf("ZC-%s-%s-%04d", n.Device, n.Day, n.Seq) }

// ParseDeviceNumber reads a certificate number issued offline; ok is false
// for any other text.
func ParseDeviceNumber(no string) (n DeviceNumber, ok bool) {
	parts := strings.Split(no, "-")
	switch {
	case len(parts) == 4 && parts[0] == "ZC":
		n = DeviceNumber{Series: SeriesCertificate, Device: parts[1], Day: parts[2]}
	default:
		return n, false
	}
	seq, err := strconv.ParseInt(parts[len(parts)-1], 10, 64)
	if _, derr := time.Parse("20060102", n.Day); err != nil || derr != nil || seq < 1 {
		return DeviceNumber{}, false
	}
	n.Seq = seq
	return n, true
}

// CertificatePattern is how the bureau numbers its certificates: text with
// {YYYY}, the year of issue, and {SEQ:n}, the year's sequence n digits
// wide. The server numbers a certificate by it when it applies the 发证
// that leaves the number blank.
type CertificatePattern string

// CertificateIssuer is the 发证机关 printed on every certificate, and so
// part of what its seal covers.
const CertificateIssuer = "东莞市人力资源局"

// DefaultCertificatePattern numbers 粤职证字 2026-000001 and on.
const DefaultCertificatePattern CertificatePattern = "粤职证字 {YYYY}-{SEQ:6}"

var (
	patternTokens = regexp.MustCompile(`\{[^{}]*\}`)
	seqToken      = regexp.MustCompile(`^\{SEQ:[3-9]\}$`)
)

// Check refuses a pattern that cannot number a year's certificates apart.
func (p CertificatePattern) Check() error {
	s := string(p)
	if err := CheckText("证书编号规则", s, 40); err != nil {
		return err
	}
	var year, seq int
	for _, tok := range patternTokens.FindAllString(s, -1) {
		switch {
		case tok == "{YYYY}":
			year++
		case seqToken.MatchString(tok):
			seq++
		default:
			return Errorf(EINVALID, "证书编号规则中的“%s”无法识别：只能用 {YYYY}（年份）和 {SEQ:n}（当年流水号，n 为 3 至 9 位）", tok)
		}
	}
	if year != 1 || seq != 1 || strings.ContainsAny(patternTokens.ReplaceAllString(s, ""), "{}\n\r\t") {
		return Errorf(EINVALID, "证书编号规则须各含一次 {YYYY}（年份）和 {SEQ:n}（当年流水号），例如“%s”", DefaultCertificatePattern)
	}
	return nil
}

// Format is the number of a year's seq-th certificate issued at at.
func (p CertificatePattern) Format(at time.Time, seq int64) string {
	return patternTokens.ReplaceAllStringFunc(string(p), func(tok string) string {
		if tok == "{YYYY}" {
			return at.In(Shanghai).Format("2006")
		}
		return fmt.Sprintf("%0*d", int(tok[5]-'0'), seq)
	})
}

// CertificateYear names the server's counter of the certificates issued in
// the year of at.
func CertificateYear(at time.Time) string {
	return "certificate-year/" + at.In(Shanghai).Format("2006")
}
