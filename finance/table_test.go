package finance

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"titledesk/data"
)

// noticeSheet is an export of notices: cells are written as an Excel user
// would have them, numbers and dates as numbers (see writeXLSX, writeCSV).
var noticeSheet = [][]any{
	{"申请编号", "身份证号", "缴款人", "缴款书编号", " 缴款码 ", "缴款金额（元）", "收款单位", "缴款期限", "备注", "开具日期"},
	{"ZC-0001", "44190019900307002x", "张三", "N0001", "PC0001", 300, "东莞市人力资源局", date(2026, 12, 3, 0, 0, 0), "unknown column", "2026年11月20日"},
	{"ZC-0002", "", "李四", "N0002", "PC0002", 300.5, "东莞市人力资源局", "2026/12/3", "", "2026-11-20 14:05:06"},
	{"ZC-0003", "", "王五", "N0003", "PC0003", "12O.00"},
	{"ZC-0004", "", "赵六", "N0004", "", 300},
	nil, // an empty row
	{"", "441900199003070021", "孙七\u3000", "N0007", "PC0007", tenth + 0.2, "", date(2026, 12, 3, 14, 5, 6), "", "20261120"},
	{"ZC-0008", "", "周八", "N0008", "PC0008", "300.005", "", "2026-13-45"},
	{"", "", "吴九", "N0009", "PC0009", 300},
	{"ZC-0010", "", strings.Repeat("郑", 201), "N0010", "PC0010", 300},
}

var sh = data.Shanghai

// tenth is a variable so that tenth+0.2 is float64 arithmetic,
// 0.30000000000000004, as a spreadsheet's sum stores it.
var tenth = 0.1

// date is a wall-clock time: an Excel date cell has no zone.
func date(y int, m time.Month, d, h, mi, s int) time.Time {
	return time.Date(y, m, d, h, mi, s, 0, time.UTC)
}

var wantNotices = []NoticeRow{
	{Line: 2, AppNo: "ZC-0001", IDNumber: "44190019900307002X", Name: "张三", NoticeNo: "N0001", PayCode: "PC0001", Payee: "东莞市人力资源局",
		Amount: 30000, Due: time.Date(2026, 12, 3, 0, 0, 0, 0, sh), IssuedAt: time.Date(2026, 11, 20, 0, 0, 0, 0, sh)},
	{Line: 3, AppNo: "ZC-0002", Name: "李四", NoticeNo: "N0002", PayCode: "PC0002", Payee: "东莞市人力资源局",
		Amount: 30050, Due: time.Date(2026, 12, 3, 0, 0, 0, 0, sh), IssuedAt: time.Date(2026, 11, 20, 14, 5, 6, 0, sh)},
	{Line: 7, IDNumber: "441900199003070021", Name: "孙七", NoticeNo: "N0007", PayCode: "PC0007",
		Amount: 30, Due: time.Date(2026, 12, 3, 14, 5, 6, 0, sh), IssuedAt: time.Date(2026, 11, 20, 0, 0, 0, 0, sh)},
}

// wantNoticeErrors are the bad rows and what their messages must name.
var wantNoticeErrors = []struct {
	line int
	says []string
}{
	{4, []string{"12O.00", "格式不正确"}},
	{5, []string{"“缴款码”为空"}},
	{8, []string{"300.005", "两位小数", "“缴款期限”“2026-13-45”不是可识别的日期"}},
	{9, []string{"“申请编号”和“身份证号”都为空"}},
	{10, []string{"“缴款人”过长", "201"}},
}

func writeXLSX(t *testing.T, path string, rows [][]any) {
	t.Helper()
	x := excelize.NewFile()
	defer x.Close()
	for r, cells := range rows {
		for c, v := range cells {
			cell, _ := excelize.CoordinatesToCellName(c+1, r+1)
			if err := x.SetCellValue("Sheet1", cell, v); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := x.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// csvText is rows as a CSV export writes them: dates as text, numbers as Go
// prints them (0.1+0.2 with its binary tail, like a raw number cell).
func csvText(t *testing.T, rows [][]any) []byte {
	t.Helper()
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	for _, cells := range rows {
		rec := []string{}
		for _, v := range cells {
			switch v := v.(type) {
			case time.Time:
				rec = append(rec, v.Format(time.DateTime))
			case float64:
				rec = append(rec, strconv.FormatFloat(v, 'f', -1, 64))
			default:
				rec = append(rec, fmt.Sprint(v))
			}
		}
		if len(rec) == 0 {
			rec = []string{"", ""} // a line of commas, as Excel writes an empty row
		}
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	w.Flush()
	return b.Bytes()
}

func gb18030(t testing.TB, b []byte) []byte {
	t.Helper()
	out, err := simplifiedchinese.GB18030.NewEncoder().Bytes(b)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(out, b) {
		t.Fatal("GB18030 text equals UTF-8: the test would prove nothing")
	}
	return out
}

func TestReadNotices(t *testing.T) {
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "notices.xlsx")
	writeXLSX(t, xlsx, noticeSheet)
	files := map[string][]byte{
		"bom.csv":     append([]byte("\uFEFF"), csvText(t, noticeSheet)...),
		"gb18030.csv": gb18030(t, csvText(t, noticeSheet)),
	}
	paths := []string{xlsx}
	for name, b := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	for _, path := range paths {
		t.Run(filepath.Base(path), func(t *testing.T) {
			rows, bad, err := ReadNotices(path, DefaultMapping())
			if err != nil {
				t.Fatal(err)
			}
			if got, want := fmt.Sprintf("%+v", rows), fmt.Sprintf("%+v", wantNotices); got != want {
				t.Errorf("rows:\n got %s\nwant %s", got, want)
			}
			if len(bad) != len(wantNoticeErrors) {
				t.Fatalf("row errors = %v, want lines %v", bad, wantNoticeErrors)
			}
			for i, w := range wantNoticeErrors {
				if bad[i].Line != w.line {
					t.Errorf("row error %d is line %d, want %d: %v", i, bad[i].Line, w.line, bad[i])
				}
				for _, s := range w.says {
					if !strings.Contains(bad[i].Error(), s) {
						t.Errorf("row error %q does not say %q", bad[i].Error(), s)
					}
				}
			}
		})
	}
}

// A statement CSV keeps its line numbers across blank lines, refuses
// control characters and reads every date form the exports use.
func TestReadStatementCSV(t *testing.T) {
	in := "缴款码,实缴金额,缴款时间,交易流水号,支付方式\r\n" +
		"PC1,\"1,005.60\",2026-12-03,R1,微信\r\n" +
		"\r\n" +
		"PC2,300,2026/12/3,R2,\r\n" +
		"PC3,300,2026年12月3日,R3\r\n" +
		"PC4,300,2026-12-03 14:05:06,R4\r\n" +
		"PC5,300,20261203,R5\r\n" +
		"PC6,300,46359,R6\r\n" +
		"PC7,300,2026-12-03,\"R\x1b7\"\r\n" +
		"PC8,-300,yesterday,R8\r\n" +
		"PC9,0,2026-12-03,R9\r\n" +
		"PC10,300,2026,R10\r\n"
	rows, bad, err := ReadStatementFrom(strings.NewReader(in), "对账单.CSV", DefaultMapping())
	if err != nil {
		t.Fatal(err)
	}
	day, at := time.Date(2026, 12, 3, 0, 0, 0, 0, sh), time.Date(2026, 12, 3, 14, 5, 6, 0, sh)
	want := []StatementRow{
		{Line: 2, PayCode: "PC1", Ref: "R1", Channel: "微信", Amount: 100560, PaidAt: day},
		{Line: 4, PayCode: "PC2", Ref: "R2", Amount: 30000, PaidAt: day},
		{Line: 5, PayCode: "PC3", Ref: "R3", Amount: 30000, PaidAt: day},
		{Line: 6, PayCode: "PC4", Ref: "R4", Amount: 30000, PaidAt: at},
		{Line: 7, PayCode: "PC5", Ref: "R5", Amount: 30000, PaidAt: day},
		{Line: 8, PayCode: "PC6", Ref: "R6", Amount: 30000, PaidAt: day},
	}
	if got, want := fmt.Sprintf("%+v", rows), fmt.Sprintf("%+v", want); got != want {
		t.Errorf("rows:\n got %s\nwant %s", got, want)
	}
	wantBad := []string{
		"第 9 行：“交易流水号”含有不可见的控制字符（U+001B）",
		"第 10 行：金额“-300”格式不正确，只能包含数字和小数点；“缴款时间”“yesterday”不是可识别的日期",
		"第 11 行：“实缴金额”为 0",
		"第 12 行：“缴款时间”“2026”不是可识别的日期",
	}
	if len(bad) != len(wantBad) {
		t.Fatalf("row errors = %v, want %v", bad, wantBad)
	}
	for i, w := range wantBad {
		if !strings.HasPrefix(bad[i].Error(), w) {
			t.Errorf("row error %q, want %q…", bad[i].Error(), w)
		}
	}
}

func TestMapping(t *testing.T) {
	dir := t.TempDir()
	csvPath := filepath.Join(dir, "bank.csv")
	if err := os.WriteFile(csvPath, []byte("缴款识别码,金额,入账日期,银行交易流水号\nPC1,300,03.12.2026,R1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadStatement(csvPath, DefaultMapping()); err == nil || data.ErrorCode(err) != data.EINVALID ||
		!strings.Contains(err.Error(), "对账单缺少“缴款时间”列") || !strings.Contains(err.Error(), "“支付时间”") ||
		!strings.Contains(err.Error(), "文件的表头为：缴款识别码、金额、入账日期、银行交易流水号") {
		t.Errorf("default mapping on renamed headers: %v", err)
	}

	file := filepath.Join(dir, "mapping.json")
	if err := os.WriteFile(file, []byte(`{"statement": {"ref": ["银行交易流水号"], "paid_at": ["入账日期"]}, "date_layouts": ["02.01.2006"]}`), 0o600); err != nil {
		t.Fatal(err)
	}
	m, err := LoadMapping(file)
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Notices["amount"]; len(got) == 0 || m.Statement["pay_code"][1] != "缴款识别码" {
		t.Errorf("the fields the file does not name lost their defaults: %v", m)
	}
	rows, bad, err := ReadStatement(csvPath, m)
	if err != nil || len(bad) != 0 || len(rows) != 1 || rows[0].Ref != "R1" || !rows[0].PaidAt.Equal(time.Date(2026, 12, 3, 0, 0, 0, 0, sh)) {
		t.Errorf("ReadStatement with mapping = %+v, %v, %v", rows, bad, err)
	}

	noIdentity := filepath.Join(dir, "notices.csv")
	if err := os.WriteFile(noIdentity, []byte("缴款书编号,缴款码,金额\nN1,PC1,300\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := ReadNotices(noIdentity, DefaultMapping()); err == nil || !strings.Contains(err.Error(), "缴款通知书清单缺少“申请编号”或“证件号码”列") {
		t.Errorf("notices with neither application nor identity number: %v", err)
	}

	for _, tc := range []struct{ json, says string }{
		{`{"statement": {"paycode": ["码"]}}`, "没有字段“paycode”"},
		{`{"notices": {"amount": []}}`, "notices.amount 没有列名"},
		{`{"statment": {}}`, "格式不正确"},
	} {
		if err := os.WriteFile(file, []byte(tc.json), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadMapping(file); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("LoadMapping(%s) = %v, want it to say %q", tc.json, err, tc.says)
		}
	}
	if m, err := LoadMapping(""); err != nil || m.Statement["ref"][0] != "交易流水号" {
		t.Errorf(`LoadMapping("") = %v, %v`, m, err)
	}
}

func TestUnreadableFiles(t *testing.T) {
	dir := t.TempDir()
	sparse := filepath.Join(dir, "big.xlsx")
	if err := os.WriteFile(sparse, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(sparse, maxFileSize+1); err != nil {
		t.Fatal(err)
	}
	manyRows := filepath.Join(dir, "rows.xlsx")
	sheet := make([][]any, maxRows+1) // the empty rows between still count
	sheet[0], sheet[maxRows] = []any{"缴款码"}, []any{"PC1"}
	writeXLSX(t, manyRows, sheet)

	var rows strings.Builder
	rows.WriteString("缴款码,实缴金额,缴款时间,交易流水号\n")
	for i := 2; i <= maxRows; i++ {
		fmt.Fprintf(&rows, "PC%d,300,2026-12-03,R%d\n", i, i)
	}
	full := rows.String()

	for _, tc := range []struct {
		name string
		in   string // for the reader variant
		path string // or a file
		says string
	}{
		{name: "t.xls", in: "x", says: "只能读取 .xlsx 或 .csv 文件"},
		{name: "t.txt", in: "x", says: "只能读取 .xlsx 或 .csv 文件"},
		{name: "t.xlsx", in: "not a zip", says: "无法打开 Excel 文件"},
		{name: "t.csv", in: "\uFEFF \n,,\n", says: "没有表头"},
		{name: "t.csv", in: "\xff\xfe\xff\xfe", says: "编码无法识别"},
		{name: "t.csv", in: "缴款码\n\"PC1\n", says: "第 2 行的引号有误"},
		{name: "t.csv", in: "缴款码\n12\"寸\n", says: "第 2 行的引号有误"},
		{name: "t.csv", in: strings.Repeat("a", maxFileSize+1), says: "文件超过 20 MB"},
		{path: sparse, says: "文件超过 20 MB"},
		{path: manyRows, says: "文件超过 200000 行"},
		{name: "t.csv", in: full + "PC0,300,2026-12-03,R0\n", says: "文件超过 200000 行"},
		{path: filepath.Join(dir, "missing.csv"), says: "无法打开文件 missing.csv"},
	} {
		var err error
		if tc.path != "" {
			_, _, err = ReadStatement(tc.path, DefaultMapping())
		} else {
			_, _, err = ReadStatementFrom(strings.NewReader(tc.in), tc.name, DefaultMapping())
		}
		if err == nil || data.ErrorCode(err) != data.EINVALID || !strings.Contains(data.ErrorMessage(err), tc.says) {
			t.Errorf("%s%s: err = %v, want %q", tc.name, tc.path, err, tc.says)
		}
	}

	got, bad, err := ReadStatementFrom(strings.NewReader(full), "t.csv", DefaultMapping())
	if err != nil || len(bad) != 0 || len(got) != maxRows-1 {
		t.Errorf("a file of exactly %d rows: %d rows, %d row errors, %v", maxRows, len(got), len(bad), err)
	}
}

func TestExcelNumber(t *testing.T) {
	for in, want := range map[string]string{
		"300": "300", "300.5": "300.5", "300.10000000000002": "300.1", "0.30000000000000004": "0.3",
		"1E3": "1000", "300.005": "300.005", "12O.00": "12O.00", "-0.30000000000000004": "-0.3", "1e400": "1e400",
	} {
		if got := excelNumber(in); got != want {
			t.Errorf("excelNumber(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzReadStatementCSV(f *testing.F) {
	f.Add([]byte("缴款码,实缴金额,缴款时间,交易流水号\nPC1,300.50,2026-12-03 14:05:06,R1\n"))
	f.Add([]byte("\uFEFF缴款识别码,金额,交易时间,流水号,支付方式\n\"PC\"\"1\",１００,46359.5,R1,微信\t\n\n,,,\n"))
	f.Add(gb18030(f, []byte("缴款码,实缴金额,缴款时间,交易流水号\nPC1,300,2026年12月3日,R1\n")))
	f.Fuzz(func(t *testing.T, in []byte) {
		rows, bad, err := ReadStatementFrom(bytes.NewReader(in), "f.csv", DefaultMapping())
		if err != nil {
			if data.ErrorCode(err) != data.EINVALID {
				t.Fatalf("error without a code: %v", err)
			}
			return
		}
		for _, r := range rows {
			if r.Line < 2 || r.PayCode == "" || r.Ref == "" || r.Amount <= 0 || r.PaidAt.IsZero() {
				t.Fatalf("row let through: %+v", r)
			}
			for _, s := range []string{r.PayCode, r.Ref, r.Channel} {
				if err := data.CheckText("", s, maxCell); err != nil {
					t.Fatalf("text let through: %q: %v", s, err)
				}
			}
		}
		for _, e := range bad {
			if e.Line < 2 || e.Message == "" {
				t.Fatalf("row error without line or message: %+v", e)
			}
		}
	})
}
