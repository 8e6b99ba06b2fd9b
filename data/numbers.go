package data

import (
	"fmt"
	"time"
)

// DocumentNo builds the number of a document issued at a workstation, which
// must be unique without asking the server: kind letter, liaison point
// code, device code, Shanghai date and the device's sequence, e.g.
// "R-DLXH-A7-20261012-0042". It uses only QR alphanumeric characters.
func DocumentNo(kind Document, pointCode, deviceCode string, at time.Time, seq int64) string {
	return fmt.Sprintf("%s-%s-%s-%s-%04d", kind, Normalize(pointCode), Normalize(deviceCode), at.In(Shanghai).Format("20060102"), seq)
}
