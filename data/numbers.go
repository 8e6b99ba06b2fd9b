package data

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Number series a workstation issues offline, each counted per Shanghai
// day on the device by the counter DeviceNumber.Counter names.
const (
	SeriesNotice      = "notice"      // 缴款通知书, see DocumentNo
	SeriesCertificate = "certificate" // 证书编号, see CertificateNo
)

// DocumentNo builds the number of a document issued at a workstation, which
// must be unique without asking the server: kind letter, liaison point
// code, device code, Shanghai date and the device's sequence, e.g.
// "N-DLXH-A7-20261012-0042". It uses only QR alphanumeric characters.
func DocumentNo(kind Document, pointCode, deviceCode string, at time.Time, seq int64) string {
	return fmt.Sprintf("%s-%s-%s-%s-%04d", kind, Normalize(pointCode), Normalize(deviceCode), dayOf(at), seq)
}

// CertificateNo builds the number of a certificate issued at a bureau
// workstation, e.g. "ZC-B2-20261012-0007".
func CertificateNo(deviceCode string, at time.Time, seq int64) string {
	return DeviceNumber{Series: SeriesCertificate, Device: Normalize(deviceCode), Day: dayOf(at), Seq: seq}.String()
}

// NumberCounter names the device counter of a series on the day of at.
func NumberCounter(series string, at time.Time) string { return series + "/" + dayOf(at) }

func dayOf(at time.Time) string { return at.In(Shanghai).Format("20060102") }

// DeviceNumber is a number read back from DocumentNo or CertificateNo.
type DeviceNumber struct {
	Series, Point, Device, Day string
	Seq                        int64
}

// Counter is the device counter that issued the number.
func (n DeviceNumber) Counter() string { return n.Series + "/" + n.Day }

// String is the number as printed.
func (n DeviceNumber) String() string {
	if n.Series == SeriesNotice {
		return fmt.Sprintf("%s-%s-%s-%s-%04d", DocPayment, n.Point, n.Device, n.Day, n.Seq)
	}
	return fmt.Sprintf("ZC-%s-%s-%04d", n.Device, n.Day, n.Seq)
}

// PayCode is the payment code (缴款码) of a notice numbered offline: the
// city's prefix, the day, the device code's digits and the sequence.
func (n DeviceNumber) PayCode() string {
	digits := strings.Map(func(r rune) rune {
		if r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, n.Device)
	return fmt.Sprintf("4419%s%s%04d", n.Day, digits, n.Seq)
}

// ParseDeviceNumber reads a payment notice or certificate number issued
// offline; ok is false for any other text.
func ParseDeviceNumber(no string) (n DeviceNumber, ok bool) {
	parts := strings.Split(no, "-")
	switch {
	case len(parts) == 5 && parts[0] == string(DocPayment):
		n = DeviceNumber{Series: SeriesNotice, Point: parts[1], Device: parts[2], Day: parts[3]}
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
