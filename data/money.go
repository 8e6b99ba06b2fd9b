package data

import (
	"fmt"
	"math"
	"strings"
)

// Fen is an amount of money in fen (分), the unit every table and document
// uses so that no float ever touches money.
type Fen int64

// String formats the amount in yuan with two decimals: 100560 → "1005.60".
func (f Fen) String() string {
	sign := ""
	u := uint64(f)
	if f < 0 {
		sign = "-"
		u = -u // two's complement keeps math.MinInt64 right
	}
	return fmt.Sprintf("%s%d.%02d", sign, u/100, u%100)
}

var (
	capitalDigits = []rune("零壹贰叁肆伍陆柒捌玖")
	capitalUnits  = []string{"仟", "佰", "拾", ""}
)

// Capital writes the amount in the capital numerals required on payment
// documents (大写金额): 10000 → 壹佰元整, 100560 → 壹仟零伍元陆角,
// 5 → 伍分. Following the usual practice, 整 closes amounts that end at
// 元, and a 零 stands for the skipped 角 when only 分 follows.
func (f Fen) Capital() string {
	if f == 0 {
		return "零元整"
	}
	var b strings.Builder
	u := uint64(f)
	if f < 0 {
		b.WriteString("负")
		u = -u
	}
	yuan, jiao, fen := u/100, u/10%10, u%10
	if yuan > 0 {
		writeCapitalInt(&b, yuan)
		b.WriteString("元")
	}
	switch {
	case jiao == 0 && fen == 0:
		b.WriteString("整")
	case jiao == 0:
		if yuan > 0 {
			b.WriteString("零")
		}
		b.WriteRune(capitalDigits[fen])
		b.WriteString("分")
	default:
		b.WriteRune(capitalDigits[jiao])
		b.WriteString("角")
		if fen > 0 {
			b.WriteRune(capitalDigits[fen])
			b.WriteString("分")
		}
	}
	return b.String()
}

// writeCapitalInt writes n > 0 in capital numerals, splitting at 亿 and 万;
// a gap of zeros before a lower section is read as one 零.
func writeCapitalInt(b *strings.Builder, n uint64) {
	for _, s := range []struct {
		size uint64
		unit string
	}{{1e8, "亿"}, {1e4, "万"}} {
		if n >= s.size {
			writeCapitalInt(b, n/s.size)
			b.WriteString(s.unit)
			lo := n % s.size
			if lo == 0 {
				return
			}
			if lo < s.size/10 {
				b.WriteString("零")
			}
			writeCapitalInt(b, lo)
			return
		}
	}
	digits := [4]uint64{n / 1000, n / 100 % 10, n / 10 % 10, n % 10}
	started, zero := false, false
	for i, d := range digits {
		if d == 0 {
			zero = started
			continue
		}
		if zero {
			b.WriteString("零")
			zero = false
		}
		b.WriteRune(capitalDigits[d])
		b.WriteString(capitalUnits[i])
		started = true
	}
}

// ParseYuan reads an amount in yuan as a clerk types it ("100", "1005.6",
// "1005.60"), allowing surrounding spaces and a trailing 元. Negative amounts
// and more than two decimals are refused.
func ParseYuan(s string) (Fen, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "元")
	intPart, fracPart, hasDot := strings.Cut(t, ".")
	if intPart == "" || (hasDot && fracPart == "") {
		return 0, Errorf(EINVALID, "金额“%s”格式不正确，请填写如 1005.60 的数字", s)
	}
	if len(fracPart) > 2 {
		return 0, Errorf(EINVALID, "金额“%s”最多保留两位小数（到分）", s)
	}
	var v uint64
	for _, r := range intPart + fracPart + strings.Repeat("0", 2-len(fracPart)) {
		if r < '0' || r > '9' {
			return 0, Errorf(EINVALID, "金额“%s”格式不正确，只能包含数字和小数点", s)
		}
		if v > (math.MaxInt64-9)/10 {
			return 0, Errorf(EINVALID, "金额“%s”过大", s)
		}
		v = v*10 + uint64(r-'0')
	}
	return Fen(v), nil
}
