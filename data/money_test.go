package data

import "testing"

func TestFenString(t *testing.T) {
	for _, tc := range []struct {
		f    Fen
		want string
	}{
		{0, "0.00"}, {5, "0.05"}, {60, "0.60"}, {10000, "100.00"}, {100560, "1005.60"}, {-150, "-1.50"},
	} {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("Fen(%d).String() = %q, want %q", int64(tc.f), got, tc.want)
		}
	}
}

// The expected strings were checked by hand against the rules for 大写金额
// in 《支付结算办法》附件《正确填写票据和结算凭证的基本规定》.
func TestFenCapital(t *testing.T) {
	for _, tc := range []struct {
		f    Fen
		want string
	}{
		{0, "零元整"},
		{5, "伍分"},
		{60, "陆角"},
		{65, "陆角伍分"},
		{100, "壹元整"},
		{105, "壹元零伍分"},
		{150, "壹元伍角"},
		{1000, "壹拾元整"},
		{1005, "壹拾元零伍分"},
		{1500, "壹拾伍元整"},
		{10000, "壹佰元整"},
		{11000, "壹佰壹拾元整"},
		{20000, "贰佰元整"},
		{30000, "叁佰元整"},
		{100560, "壹仟零伍元陆角"},
		{101000, "壹仟零壹拾元整"},
		{168032, "壹仟陆佰捌拾元叁角贰分"},
		{1000000, "壹万元整"},
		{1000500, "壹万零伍元整"},
		{1050000, "壹万零伍佰元整"},
		{1100000, "壹万壹仟元整"},
		{10000000, "壹拾万元整"},
		{10000500, "壹拾万零伍元整"},
		{10500000, "壹拾万伍仟元整"},
		{100050000, "壹佰万零伍佰元整"},
		{123456789_0, "壹仟贰佰叁拾肆万伍仟陆佰柒拾捌元玖角"},
		{10000000000, "壹亿元整"},
		{10000000100, "壹亿零壹元整"},
		{10001000000, "壹亿零壹万元整"},
		{11000000000, "壹亿壹仟万元整"},
		{-100560, "负壹仟零伍元陆角"},
	} {
		if got := tc.f.Capital(); got != tc.want {
			t.Errorf("Fen(%d).Capital() = %q, want %q", int64(tc.f), got, tc.want)
		}
	}
}

func TestParseYuan(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Fen
	}{
		{"100", 10000}, {"1005.6", 100560}, {"1005.60", 100560}, {" 0.05 ", 5}, {"200元", 20000}, {"0", 0},
	} {
		got, err := ParseYuan(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("ParseYuan(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
	}
	for _, in := range []string{"", ".5", "1.", "1.234", "-1", "1,000", "abc", "99999999999999999999"} {
		if _, err := ParseYuan(in); ErrorCode(err) != EINVALID || ErrorMessage(err) == "" {
			t.Errorf("ParseYuan(%q) error = %v, want EINVALID", in, err)
		}
	}
}

func FuzzParseYuan(f *testing.F) {
	for _, s := range []string{"100", "1005.60", "0.05", "1.234", "-1", "9223372036854775.80"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseYuan(s)
		if err != nil {
			if ErrorCode(err) != EINVALID {
				t.Fatalf("ParseYuan(%q): code %q", s, ErrorCode(err))
			}
			return
		}
		if v < 0 {
			t.Fatalf("ParseYuan(%q) = %d < 0", s, v)
		}
		back, err := ParseYuan(v.String())
		if err != nil || back != v {
			t.Fatalf("round trip of %q: %v -> %q -> %v, %v", s, v, v.String(), back, err)
		}
		if v.Capital() == "" {
			t.Fatalf("empty capital for %v", v)
		}
	})
}
