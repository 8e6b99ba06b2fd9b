package data

import (
	"fmt"
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
