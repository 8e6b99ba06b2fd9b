// Package finance adapts the bureau server to the finance bureau's non-tax
// revenue system (广东省非税收入收缴一体化系统): it reads the system's
// exports, the notices it issued and its statement (对账单), and asks its
// API to issue a notice. It knows no SQL; matching rows to applications is
// the caller's.
package finance

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"titledesk/data"
)

// Limits on an export, so that a wrong or hostile file cannot exhaust the
// server; a year of a city bureau's payments is far below them.
const (
	maxFileSize = 20 << 20
	maxRows     = 200_000
	maxCell     = 200 // characters
	// maxUnzipped bounds what a .xlsx may expand to: a zip bomb is small.
	maxUnzipped = 512 << 20
)

// Mapping names, for each field, the header(s) of the column that holds it
// (first found wins).
//
// A mapping file is JSON and names only what differs from DefaultMapping:
//
//	{"statement": {"ref": ["银行交易流水号"]}, "date_layouts": ["02/01/2006"]}
type Mapping struct {
	Notices     map[string][]string `json:"notices"` // field → header names
	Statement   map[string][]string `json:"statement"`
	DateLayouts []string            `json:"date_layouts"` // extra time layouts, tried after the defaults
}

// field is a value an export holds, with its headers in the Guangdong
// system's exports and the usual variants.
type field struct {
	key, label string
	headers    []string
}

// kind is one of the two exports: its fields, and the groups of fields of
// which the file needs a column and every row a value.
type kind struct {
	what     string
	fields   []field
	required [][]string
}

var (
	notices = kind{
		what: "缴款通知书清单",
		fields: []field{
			{"app_no", "申请编号", []string{"申请编号", "业务编号", "业务单号"}},
			{"id_number", "证件号码", []string{"身份证号", "身份证号码", "缴款人证件号码", "证件号码"}},
			{"name", "缴款人", []string{"缴款人", "缴款人名称", "缴款人姓名"}},
			{"notice_no", "缴款通知书编号", []string{"缴款通知书编号", "缴款书编号", "通知书编号", "缴款书号码", "票据号码"}},
			{"pay_code", "缴款码", []string{"缴款码", "缴款识别码"}},
			{"amount", "金额", []string{"应缴金额", "缴款金额(元)", "缴款金额", "金额(元)", "金额"}},
			{"payee", "收款单位", []string{"收款单位", "执收单位"}},
			{"due", "缴款期限", []string{"缴款期限", "截止日期", "缴款截止日期"}},
			{"pay_url", "缴费链接", []string{"缴费链接", "支付链接", "支付二维码"}},
			{"issued_at", "开具日期", []string{"开具日期", "开票日期", "开具时间"}},
		},
		required: [][]string{{"notice_no"}, {"pay_code"}, {"amount"}, {"app_no", "id_number"}},
	}
	statement = kind{
		what: "对账单",
		fields: []field{
			{"pay_code", "缴款码", []string{"缴款码", "缴款识别码"}},
			{"amount", "实缴金额", []string{"实缴金额", "缴款金额(元)", "缴款金额", "金额(元)", "金额"}},
			{"paid_at", "缴款时间", []string{"缴款时间", "支付时间", "交易时间", "缴款日期"}},
			{"ref", "交易流水号", []string{"交易流水号", "支付流水号", "银行流水号", "流水号"}},
			{"channel", "缴款渠道", []string{"缴款渠道", "支付方式", "缴款方式"}},
		},
		required: [][]string{{"pay_code"}, {"amount"}, {"paid_at"}, {"ref"}},
	}
)

func (k kind) defaults() map[string][]string {
	m := make(map[string][]string, len(k.fields))
	for _, f := range k.fields {
		m[f.key] = slices.Clone(f.headers)
	}
	return m
}

func (k kind) label(key string) string {
	for _, f := range k.fields {
		if f.key == key {
			return f.label
		}
	}
	return key
}

// DefaultMapping is the headers of the Guangdong system's exports.
func DefaultMapping() Mapping {
	return Mapping{Notices: notices.defaults(), Statement: statement.defaults()}
}

// LoadMapping reads a mapping file over DefaultMapping: the fields it names
// take its headers, the others keep the defaults. "" is DefaultMapping.
func LoadMapping(path string) (Mapping, error) {
	m := DefaultMapping()
	if path == "" {
		return m, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return Mapping{}, data.Errorf(data.EINVALID, "无法读取列名映射文件 %s：%w", path, err)
	}
	var file Mapping
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&file); err != nil {
		return Mapping{}, data.Errorf(data.EINVALID, "列名映射文件 %s 格式不正确：%w", path, err)
	}
	for _, part := range []struct {
		name       string
		k          kind
		from, into map[string][]string
	}{{"notices", notices, file.Notices, m.Notices}, {"statement", statement, file.Statement, m.Statement}} {
		// Sorted, so that a file with several mistakes always names the same one.
		for _, key := range slices.Sorted(maps.Keys(part.from)) {
			if _, known := part.into[key]; !known {
				return Mapping{}, data.Errorf(data.EINVALID, "列名映射文件 %s 的 %s 中没有字段“%s”，可用的字段：%s",
					path, part.name, key, strings.Join(slices.Sorted(maps.Keys(part.into)), "、"))
			}
			if len(part.from[key]) == 0 {
				return Mapping{}, data.Errorf(data.EINVALID, "列名映射文件 %s 的 %s.%s 没有列名", path, part.name, key)
			}
			part.into[key] = part.from[key]
		}
	}
	m.DateLayouts = file.DateLayouts
	return m, nil
}

// NoticeRow is one notice of the platform's list.
type NoticeRow struct {
	Line                                                    int // 1-based row number in the file, for reports
	AppNo, IDNumber, Name, NoticeNo, PayCode, Payee, PayURL string
	Amount                                                  data.Fen
	Due, IssuedAt                                           time.Time // zero when the column is absent or empty
}

// StatementRow is one payment of the platform's statement.
type StatementRow struct {
	Line                  int
	PayCode, Ref, Channel string
	Amount                data.Fen
	PaidAt                time.Time
}

// RowError is a row that could not be read: which line and why, in Chinese.
type RowError struct {
	Line    int
	Message string
}

func (e RowError) Error() string { return fmt.Sprintf("第 %d 行：%s", e.Line, e.Message) }

// ReadNotices reads the platform's list of issued notices (缴款通知书 or
// 电子非税收入一般缴款书) from a .xlsx or .csv file. Rows that cannot be
// read come back as RowErrors; err is for a file that cannot be read at
// all or lacks a required column.
func ReadNotices(path string, m Mapping) ([]NoticeRow, []RowError, error) {
	t, err := readFile(path)
	if err != nil {
		return nil, nil, err
	}
	return t.notices(m)
}

// ReadStatement reads the platform's statement (对账单) from a .xlsx or .csv
// file, as ReadNotices does.
func ReadStatement(path string, m Mapping) ([]StatementRow, []RowError, error) {
	t, err := readFile(path)
	if err != nil {
		return nil, nil, err
	}
	return t.statement(m)
}

// ReadStatementFrom is ReadStatement for an upload: name's extension
// decides the format.
func ReadStatementFrom(r io.Reader, name string, m Mapping) ([]StatementRow, []RowError, error) {
	t, err := readTable(r, name)
	if err != nil {
		return nil, nil, err
	}
	return t.statement(m)
}

func (t *table) notices(m Mapping) ([]NoticeRow, []RowError, error) {
	rd, err := t.reader(notices, m.Notices, m.DateLayouts)
	if err != nil {
		return nil, nil, err
	}
	var out []NoticeRow
	var bad []RowError
	for _, r := range t.rows[1:] {
		v := rd.values(r)
		n := NoticeRow{
			Line: r.line, AppNo: v.text["app_no"], IDNumber: strings.ToUpper(v.text["id_number"]), Name: v.text["name"],
			NoticeNo: v.text["notice_no"], PayCode: v.text["pay_code"], Payee: v.text["payee"], PayURL: v.text["pay_url"],
			Amount: v.amount("amount"), Due: v.date("due"), IssuedAt: v.date("issued_at"),
		}
		if len(v.problems) > 0 {
			bad = append(bad, RowError{r.line, strings.Join(v.problems, "；")})
			continue
		}
		out = append(out, n)
	}
	return out, bad, nil
}

func (t *table) statement(m Mapping) ([]StatementRow, []RowError, error) {
	rd, err := t.reader(statement, m.Statement, m.DateLayouts)
	if err != nil {
		return nil, nil, err
	}
	var out []StatementRow
	var bad []RowError
	for _, r := range t.rows[1:] {
		v := rd.values(r)
		s := StatementRow{
			Line: r.line, PayCode: v.text["pay_code"], Ref: v.text["ref"], Channel: v.text["channel"],
			Amount: v.amount("amount"), PaidAt: v.date("paid_at"),
		}
		if len(v.problems) > 0 {
			bad = append(bad, RowError{r.line, strings.Join(v.problems, "；")})
			continue
		}
		out = append(out, s)
	}
	return out, bad, nil
}

// table is a file's non-empty rows with trimmed cells; the first is the
// header.
type table struct {
	rows []row
	// date1904 is a workbook counting its dates from 1904 (old Mac Excel).
	date1904 bool
}

type row struct {
	line  int
	cells []string
}

func readFile(path string) (*table, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, data.Errorf(data.EINVALID, "无法打开文件 %s：%w", filepath.Base(path), err)
	}
	defer f.Close()
	// Refuse a large file before reading it; readTable checks uploads.
	if st, err := f.Stat(); err == nil && st.Size() > maxFileSize {
		return nil, tooLarge()
	}
	return readTable(f, path)
}

func tooLarge() error {
	return data.Errorf(data.EINVALID, "文件超过 %d MB，不像是非税系统的导出文件；请按日期分批导出", maxFileSize>>20)
}

func tooManyRows() error {
	return data.Errorf(data.EINVALID, "文件超过 %d 行；请按日期分批导出", maxRows)
}

func readTable(r io.Reader, name string) (*table, error) {
	ext := strings.ToLower(filepath.Ext(name))
	if ext != ".csv" && ext != ".xlsx" {
		return nil, data.Errorf(data.EINVALID, "只能读取 .xlsx 或 .csv 文件（%s 是 %s 文件）；旧版 .xls 请在 Excel 中另存为 .xlsx", filepath.Base(name), ext)
	}
	b, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, data.Errorf(data.EINVALID, "无法读取文件 %s：%w", filepath.Base(name), err)
	}
	if len(b) > maxFileSize {
		return nil, tooLarge()
	}
	t := &table{}
	if ext == ".csv" {
		err = t.readCSV(b)
	} else {
		err = t.readXLSX(b)
	}
	if err != nil {
		return nil, err
	}
	if len(t.rows) == 0 {
		return nil, data.Errorf(data.EINVALID, "文件 %s 是空的：没有表头", filepath.Base(name))
	}
	return t, nil
}

// add keeps a row unless it is empty.
func (t *table) add(line int, cells []string) error {
	if line > maxRows {
		return tooManyRows()
	}
	empty := true
	for i, c := range cells {
		// Exports pad cells with spaces, full-width spaces, or a tab that
		// keeps Excel from turning long numbers into 4.4E+17.
		cells[i] = strings.TrimFunc(c, unicode.IsSpace)
		empty = empty && cells[i] == ""
	}
	if !empty {
		t.rows = append(t.rows, row{line, cells})
	}
	return nil
}

func (t *table) readCSV(b []byte) error {
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	if !utf8.Valid(b) {
		// Excel on a Chinese Windows saves CSV in GB18030 (GBK).
		d, err := simplifiedchinese.GB18030.NewDecoder().Bytes(b)
		if err != nil || bytes.ContainsRune(d, utf8.RuneError) {
			return data.Errorf(data.EINVALID, "文件的编码无法识别：请另存为 UTF-8 编码的 CSV，或 .xlsx")
		}
		b = d
	}
	cr := csv.NewReader(bytes.NewReader(b))
	cr.FieldsPerRecord = -1
	for {
		cells, err := cr.Read()
		if err == io.EOF {
			return nil
		}
		if pe := (*csv.ParseError)(nil); errors.As(err, &pe) {
			return data.Errorf(data.EINVALID, "CSV 文件第 %d 行的引号有误，无法读取，请检查该行（%w）", pe.StartLine, err)
		} else if err != nil {
			return data.Errorf(data.EINVALID, "无法读取 CSV 文件：%w", err)
		}
		line, _ := cr.FieldPos(0) // csv skips blank lines: count as an editor does
		if err := t.add(line, cells); err != nil {
			return err
		}
	}
}

// readXLSX reads the workbook's first sheet. Cells come raw, unformatted:
// a date is its serial number and an amount has no thousands separators or
// currency sign, whatever the cell's format.
func (t *table) readXLSX(b []byte) error {
	x, err := excelize.OpenReader(bytes.NewReader(b), excelize.Options{UnzipSizeLimit: maxUnzipped})
	if err != nil {
		return data.Errorf(data.EINVALID, "无法打开 Excel 文件：文件已损坏、不是 .xlsx 或设有密码（%w）", err)
	}
	defer x.Close()
	props, err := x.GetWorkbookProps()
	if err != nil {
		return data.Errorf(data.EINVALID, "无法读取 Excel 文件：%w", err)
	}
	t.date1904 = props.Date1904 != nil && *props.Date1904
	sheets := x.GetSheetList()
	if len(sheets) == 0 {
		return data.Errorf(data.EINVALID, "Excel 文件中没有工作表")
	}
	rows, err := x.Rows(sheets[0])
	if err != nil {
		return data.Errorf(data.EINVALID, "无法读取 Excel 文件：%w", err)
	}
	defer rows.Close()
	// The iterator also yields the rows a sheet skips, so line is the row
	// number Excel shows.
	for line := 1; rows.Next(); line++ {
		cells, err := rows.Columns(excelize.Options{RawCellValue: true})
		if err != nil {
			return data.Errorf(data.EINVALID, "无法读取 Excel 文件第 %d 行：%w", line, err)
		}
		if err := t.add(line, cells); err != nil {
			return err
		}
	}
	if err := rows.Error(); err != nil {
		return data.Errorf(data.EINVALID, "无法读取 Excel 文件：%w", err)
	}
	return nil
}

// reader reads one kind of export's rows by the columns its header maps.
type reader struct {
	k        kind
	header   []string
	cols     map[string]int // field → column
	layouts  []string
	date1904 bool
}

func (t *table) reader(k kind, names map[string][]string, layouts []string) (*reader, error) {
	header := t.rows[0].cells
	at := make(map[string]int, len(header))
	for i, h := range slices.Backward(header) { // the first of duplicate headers wins
		if h != "" {
			at[data.Normalize(h)] = i
		}
	}
	rd := &reader{k: k, header: header, cols: map[string]int{}, layouts: append(slices.Clone(dateLayouts), layouts...), date1904: t.date1904}
	for key, hs := range names {
		for _, h := range hs {
			if i, ok := at[data.Normalize(h)]; ok {
				rd.cols[key] = i
				break
			}
		}
	}
	for _, group := range k.required {
		if slices.ContainsFunc(group, func(key string) bool { _, ok := rd.cols[key]; return ok }) {
			continue
		}
		var labels, want []string
		for _, key := range group {
			labels = append(labels, "“"+k.label(key)+"”")
			for _, h := range names[key] {
				want = append(want, "“"+h+"”")
			}
		}
		return nil, data.Errorf(data.EINVALID, "%s缺少%s列：表头中应有%s之一（其他列名请在列名映射文件中设置）；文件的表头为：%s",
			k.what, strings.Join(labels, "或"), strings.Join(want, "、"), shownHeader(header))
	}
	return rd, nil
}

// shownHeader is the file's header as a message can quote it.
func shownHeader(header []string) string {
	var out []string
	for _, h := range header {
		if len(out) == 20 {
			out = append(out, "…")
			break
		}
		h = strings.Map(func(r rune) rune {
			if unicode.IsPrint(r) {
				return r
			}
			return -1
		}, h)
		if r := []rune(h); len(r) > 30 {
			h = string(r[:30]) + "…"
		}
		if h != "" {
			out = append(out, h)
		}
	}
	return strings.Join(out, "、")
}

// values is one row's fields as text, and what is wrong with the row.
type values struct {
	rd       *reader
	text     map[string]string
	problems []string
}

// name is how a message calls a field: its header in the file.
func (rd *reader) name(key string) string { return "“" + rd.header[rd.cols[key]] + "”" }

func (rd *reader) values(r row) *values {
	v := &values{rd: rd, text: map[string]string{}}
	for _, f := range rd.k.fields {
		i, ok := rd.cols[f.key]
		if !ok || i >= len(r.cells) || r.cells[i] == "" {
			continue
		}
		if err := data.CheckText(rd.name(f.key), r.cells[i], maxCell); err != nil {
			v.problems = append(v.problems, data.ErrorMessage(err))
			continue
		}
		v.text[f.key] = r.cells[i]
	}
	for _, group := range rd.k.required {
		var empty []string
		for _, key := range group {
			if _, ok := rd.cols[key]; ok {
				if v.text[key] != "" {
					empty = nil
					break
				}
				empty = append(empty, rd.name(key))
			}
		}
		switch len(empty) {
		case 0:
		case 1:
			v.problems = append(v.problems, empty[0]+"为空")
		default:
			v.problems = append(v.problems, strings.Join(empty, "和")+"都为空")
		}
	}
	return v
}

// amount reads an amount in yuan; an empty one is 0 (required fields are
// checked in values).
func (v *values) amount(key string) data.Fen {
	s := v.text[key]
	if s == "" {
		return 0
	}
	f, err := data.ParseYuan(excelNumber(strings.TrimLeft(strings.ReplaceAll(s, ",", ""), "¥￥")))
	if err != nil {
		v.problems = append(v.problems, data.ErrorMessage(err))
	} else if f == 0 {
		v.problems = append(v.problems, v.rd.name(key)+"为 0")
	}
	return f
}

var floatText = regexp.MustCompile(`^-?[0-9]*\.?[0-9]*([eE][-+]?[0-9]+)?$`)

// excelNumber undoes binary floating point in a number cell: 300.1 may be
// stored as 300.10000000000002 and 1000 as 1E3. Excel keeps 15 significant
// digits, so rounding to them gives back what was typed, while a typed
// 300.005 stays itself and is refused.
func excelNumber(s string) string {
	_, frac, _ := strings.Cut(s, ".")
	if !floatText.MatchString(s) || (len(frac) <= 2 && !strings.ContainsAny(s, "eE")) {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return s
	}
	f, _ = strconv.ParseFloat(strconv.FormatFloat(f, 'g', 15, 64), 64)
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// dateLayouts are the dates and times the exports and clerks write.
var dateLayouts = []string{
	"2006-1-2", "2006/1/2", "2006.1.2", "2006年1月2日", "20060102",
	"2006-1-2 15:04:05", "2006/1/2 15:04:05", "2006年1月2日 15:04:05", "2006-1-2 15:04", "2006/1/2 15:04", "20060102150405",
	"2006-01-02T15:04:05", time.RFC3339,
}

// excelSerial is a date cell as a raw value: days since 1900 (or 1904),
// five digits from 1927 to 2173, so that a stray "2026" is no date.
var excelSerial = regexp.MustCompile(`^[0-9]{5}(\.[0-9]+)?$`)

// date reads a date or time in Shanghai; an empty one is zero.
func (v *values) date(key string) time.Time {
	s := v.text[key]
	if s == "" {
		return time.Time{}
	}
	if excelSerial.MatchString(s) {
		f, _ := strconv.ParseFloat(s, 64)
		if t, err := excelize.ExcelDateToTime(f, v.rd.date1904); err == nil {
			t = t.Round(time.Second)
			return time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), t.Second(), 0, data.Shanghai)
		}
	}
	for _, layout := range v.rd.layouts {
		if t, err := time.ParseInLocation(layout, s, data.Shanghai); err == nil {
			return t
		}
	}
	v.problems = append(v.problems, fmt.Sprintf("%s“%s”不是可识别的日期，应如 2026-12-03 或 2026-12-03 14:05:06", v.rd.name(key), s))
	return time.Time{}
}
