package roster

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"slices"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

const fullHeader = "工号,用户名,姓名,性别,学科,学段,职称,教龄,邮箱\n"

func parseString(t *testing.T, text string) *Sheet {
	t.Helper()
	s, err := Parse(strings.NewReader(text), "roster.csv", Options{})
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

// wantFileError asserts that err is a file-level error with the given key.
func wantFileError(t *testing.T, err error, key string) *apperr.Error {
	t.Helper()
	e, ok := apperr.As(err)
	if !ok {
		t.Fatalf("error = %v, want *apperr.Error %s", err, key)
	}
	if e.Key != key {
		t.Fatalf("error key = %s (%v), want %s", e.Key, e, key)
	}
	return e
}

func codes(errs []RowError) []string {
	var out []string
	for _, e := range errs {
		out = append(out, e.Column+":"+e.Code)
	}
	return out
}

func TestParseUTF8(t *testing.T) {
	for _, tt := range []struct{ name, prefix string }{
		{"plain", ""},
		{"with BOM", "\uFEFF"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := parseString(t, tt.prefix+fullHeader+"1001,zhangsan,张三,男,语文、数学,初中,一级教师,12,zhang@example.com\r\n")
			if s.Format != FormatCSV || s.Encoding != EncodingUTF8 {
				t.Errorf("format %q encoding %q", s.Format, s.Encoding)
			}
			if len(s.Columns) != 9 || s.Columns[0].Key != ColStaffNo || s.Columns[0].Header != "工号" {
				t.Errorf("columns = %+v", s.Columns)
			}
			if !s.Valid() || len(s.Rows) != 1 {
				t.Fatalf("rows %+v errors %v", s.Rows, s.Errors)
			}
			r := s.Rows[0]
			if r.Line != 2 || r.Name != "张三" || r.Username != "zhangsan" || r.StaffNo != "1001" || r.Email != "zhang@example.com" {
				t.Errorf("row = %+v", r)
			}
		})
	}
}

func TestParseGB18030(t *testing.T) {
	text := fullHeader + "1001,,王芳,女,英语,小学,高级教师,20,\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	if gb == text {
		t.Fatal("encoding did not change the text; the test would prove nothing")
	}
	s, err := Parse(strings.NewReader(gb), "名单.csv", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Encoding != EncodingGB18030 {
		t.Errorf("encoding = %q", s.Encoding)
	}
	if len(s.Rows) != 1 || s.Rows[0].Name != "王芳" || s.Rows[0].Title != "senior" || s.Rows[0].Username != "t1001" {
		t.Errorf("rows = %+v, errors %v", s.Rows, s.Errors)
	}
}

func TestParseDelimiters(t *testing.T) {
	for _, sep := range []string{"\t", ";"} {
		s := parseString(t, strings.Join([]string{"姓名", "工号"}, sep)+"\n"+strings.Join([]string{"张三", "1001"}, sep)+"\n")
		if len(s.Rows) != 1 || s.Rows[0].Name != "张三" || s.Rows[0].StaffNo != "1001" {
			t.Errorf("sep %q: rows %+v errors %v", sep, s.Rows, s.Errors)
		}
	}
}

// TestRowNumbers checks that row numbers are what a spreadsheet shows:
// blank lines count, a preamble title moves the header down, and a quoted
// cell spanning lines is still one row.
func TestRowNumbers(t *testing.T) {
	text := "某某学校教职工名册\n" + // row 1: title
		"姓名,工号,备注\n" + // row 2: header
		"张三,1001,\"第一行\n第二行\"\n" + // row 3, two physical lines
		"\n" + // row 4: blank
		"李四,,\n" // row 5: missing staff number
	s := parseString(t, text)
	if s.HeaderRow != 2 {
		t.Errorf("header row = %d", s.HeaderRow)
	}
	var lines []int
	for _, r := range s.Rows {
		lines = append(lines, r.Line)
	}
	if !slices.Equal(lines, []int{3, 5}) {
		t.Errorf("lines = %v, want [3 5]", lines)
	}
	if len(s.Errors) != 1 || s.Errors[0].Row != 5 || s.Errors[0].Code != ErrIdentityRequired || s.Errors[0].Column != ColStaffNo {
		t.Errorf("errors = %v", s.Errors)
	}
}

func TestUnknownColumns(t *testing.T) {
	s := parseString(t, "工号,姓名,手机,备注（选填）,,\n1001,张三,13800000000,班主任,,\n")
	if !slices.Equal(s.Unknown, []string{"手机", "备注（选填）"}) {
		t.Errorf("unknown = %q", s.Unknown)
	}
	if !s.Valid() || len(s.Rows) != 1 {
		t.Errorf("unknown columns must not make rows invalid: %v", s.Errors)
	}
	if _, ok := s.Rows[0].Raw["手机"]; ok || len(s.Rows[0].Raw) != 2 {
		t.Errorf("raw = %v", s.Rows[0].Raw)
	}
}

func TestOneBadRow(t *testing.T) {
	s := parseString(t, fullHeader+
		"1001,zhangsan,张三,男,语文,初中,一级教师,12,zhang@example.com\n"+
		"1002,lisi,李四,女,天文,初中,一级教师,99,lisi@\n"+
		"1003,wangwu,王五,男,数学,高中,高级教师,30,\n")
	if s.Valid() {
		t.Fatal("sheet with a bad row reported valid")
	}
	want := []string{"subjects:" + ErrSubjectUnknown, "years_of_teaching:" + ErrYearsInvalid, "email:" + ErrEmailInvalid}
	if got := codes(s.RowErrors(3)); !slices.Equal(got, want) {
		t.Errorf("row 3 errors = %v, want %v", got, want)
	}
	if len(s.Errors) != 3 || len(s.RowErrors(2)) != 0 {
		t.Errorf("errors = %v", s.Errors)
	}
	var valid []int
	for _, r := range s.ValidRows() {
		valid = append(valid, r.Line)
	}
	if !slices.Equal(valid, []int{2, 4}) {
		t.Errorf("valid rows = %v", valid)
	}
	bad := s.Rows[1]
	if bad.Valid() || bad.Subjects != nil || bad.YearsOfTeaching != nil || bad.Raw[ColSubjects] != "天文" || bad.Name != "李四" {
		t.Errorf("bad row = %+v", bad)
	}
}

func TestDuplicates(t *testing.T) {
	s := parseString(t, "工号,用户名,姓名\n"+
		"1001,zhangsan,张三\n"+ // 2
		"1002,ZhangSan,张三\n"+ // 3: same username after lowercasing
		"1001,lisi,李四\n"+ // 4: same staff number
		"1003,,王五\n"+ // 5: derives t1003
		"1004,t1003,赵六\n"+ // 6: explicit username equals row 5's derived one
		"1005,,孙七\n"+ // 7: derives t1005
		"1005,,周八\n") // 8: same staff number, hence same derived username
	want := []RowError{
		{Row: 3, Column: ColUsername, Code: ErrDuplicateUsername, Args: map[string]string{"value": "zhangsan", "row": "2"}},
		{Row: 4, Column: ColStaffNo, Code: ErrDuplicateStaffNo, Args: map[string]string{"value": "1001", "row": "2"}},
		{Row: 6, Column: ColUsername, Code: ErrDuplicateUsername, Args: map[string]string{"value": "t1003", "row": "5"}},
		{Row: 8, Column: ColStaffNo, Code: ErrDuplicateStaffNo, Args: map[string]string{"value": "1005", "row": "7"}},
		{Row: 8, Column: ColStaffNo, Code: ErrDuplicateUsername, Args: map[string]string{"value": "t1005", "row": "7"}},
	}
	if len(s.Errors) != len(want) {
		t.Fatalf("errors = %v", s.Errors)
	}
	for i := range want {
		if !equalRowError(s.Errors[i], want[i]) {
			t.Errorf("error %d = %v, want %v", i, s.Errors[i], want[i])
		}
	}
}

func equalRowError(a, b RowError) bool {
	if a.Row != b.Row || a.Column != b.Column || a.Code != b.Code || len(a.Args) != len(b.Args) {
		return false
	}
	for k, v := range b.Args {
		if a.Args[k] != v {
			return false
		}
	}
	return true
}

func TestRowKey(t *testing.T) {
	s := parseString(t, "工号,用户名,姓名\n1001,zhangsan,张三\n,lisi,李四\n")
	if k := s.Rows[0].Key(); k != (Key{ColStaffNo, "1001"}) || k.String() != "staff_no:1001" {
		t.Errorf("key with staff number = %v", k)
	}
	if k := s.Rows[1].Key(); k != (Key{ColUsername, "lisi"}) {
		t.Errorf("key without staff number = %v", k)
	}
	if !s.Has(ColStaffNo) || s.Has(ColEmail) {
		t.Error("Has disagrees with the header")
	}
}

func TestFileErrors(t *testing.T) {
	tests := []struct {
		name, filename, data string
		key                  string
	}{
		{"empty", "a.csv", "", FileEmpty},
		{"only spaces", "a.csv", " \n\u3000,\n", FileEmpty},
		{"header only", "a.csv", "姓名,工号\n", FileNoRows},
		{"header and blank rows", "a.csv", "姓名,工号\n,\n\n", FileNoRows},
		{"only unknown columns filled", "a.csv", "姓名,工号,备注\n,,note\n", FileNoRows},
		{"no name column", "a.csv", "工号,用户名\n1,abc\n", FileMissingName},
		{"no identity column", "a.csv", "姓名,性别\n张三,男\n", FileMissingIdentity},
		{"duplicate column", "a.csv", "姓名,工号,Name\n张三,1,张三\n", FileDuplicateColumn},
		{"no header", "a.csv", strings.Repeat("a,b\n", 12), FileNoHeader},
		{"utf-16", "a.csv", "\xff\xfe\x59\x5d", FileUTF16},
		{"nul bytes", "a.csv", "姓名\x00", FileEncoding},
		{"neither utf-8 nor gb18030", "a.csv", "\xff\x41\xff", FileEncoding},
		{"xls", "a.xls", "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1rest", FileLegacyExcel},
		{"text named xlsx", "a.XLSX", "姓名,工号\n张三,1\n", FileXLSXInvalid},
		{"damaged zip", "a.csv", "PK\x03\x04garbage", FileXLSXInvalid},
		{"bare quote", "a.csv", "姓名,工号\n张\"三,1\n", FileCSVInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(strings.NewReader(tt.data), tt.filename, Options{})
			if s != nil {
				t.Errorf("sheet returned with a file error: %+v", s)
			}
			e := wantFileError(t, err, tt.key)
			if e.Code != apperr.Invalid {
				t.Errorf("code = %s", e.Code)
			}
		})
	}
}

func TestFileErrorArgs(t *testing.T) {
	_, err := Parse(strings.NewReader("姓名,工号,Name\n"), "a.csv", Options{})
	e := wantFileError(t, err, FileDuplicateColumn)
	if e.Args["header"] != "Name" || e.Args["other"] != "姓名" {
		t.Errorf("args = %v", e.Args)
	}
	_, err = Parse(strings.NewReader("姓名,工号\n张三,1\n李四,\"2\n"), "a.csv", Options{})
	if e := wantFileError(t, err, FileCSVInvalid); e.Args["row"] != "3" {
		t.Errorf("csv error args = %v", e.Args)
	}
}

func TestLimits(t *testing.T) {
	rows := "姓名,工号\n张三,1\n\n李四,2\n王五,3\n"
	t.Run("bytes", func(t *testing.T) {
		_, err := Parse(strings.NewReader(rows), "a.csv", Options{MaxBytes: 10})
		e := wantFileError(t, err, FileTooLarge)
		if e.Code != apperr.TooLarge || e.Args["max"] != "10 B" {
			t.Errorf("error = %v", e)
		}
		if _, err := Parse(strings.NewReader(rows), "a.csv", Options{MaxBytes: int64(len(rows))}); err != nil {
			t.Errorf("file of exactly the limit rejected: %v", err)
		}
	})
	t.Run("rows", func(t *testing.T) {
		_, err := Parse(strings.NewReader(rows), "a.csv", Options{MaxRows: 2})
		if e := wantFileError(t, err, FileTooManyRows); e.Args["max"] != "2" || e.Code != apperr.TooLarge {
			t.Errorf("error = %v", e)
		}
		s, err := Parse(strings.NewReader(rows), "a.csv", Options{MaxRows: 3})
		if err != nil || len(s.Rows) != 3 {
			t.Errorf("blank rows must not count toward the limit: %v", err)
		}
	})
	t.Run("cell", func(t *testing.T) {
		s, err := Parse(strings.NewReader("姓名,工号,学科\n张三,1,"+strings.Repeat("数学、", 4)+"\n"), "a.csv", Options{MaxCellRunes: 10})
		if err != nil {
			t.Fatal(err)
		}
		if got := codes(s.Errors); !slices.Equal(got, []string{"subjects:" + ErrTooLong}) || s.Errors[0].Args["max"] != "10" {
			t.Errorf("errors = %v", s.Errors)
		}
	})
	t.Run("default size", func(t *testing.T) {
		big := strings.NewReader("姓名,工号\n" + strings.Repeat(" ", DefaultMaxBytes))
		_, err := Parse(big, "a.csv", Options{})
		if e := wantFileError(t, err, FileTooLarge); e.Args["max"] != "10 MiB" {
			t.Errorf("args = %v", e.Args)
		}
	})
}

func TestReadFailure(t *testing.T) {
	cause := errors.New("disk on fire")
	_, err := Parse(iotest.ErrReader(cause), "a.csv", Options{})
	if !errors.Is(err, cause) {
		t.Errorf("error = %v, want it to wrap the cause", err)
	}
	if _, ok := apperr.As(err); ok {
		t.Error("an I/O failure must not look like a problem with the file")
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{10 << 20: "10 MiB", 512 << 10: "512 KiB", 1000: "1000 B", 1536 << 10: "1536 KiB"} {
		if got := formatBytes(n); got != want {
			t.Errorf("formatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

// xlsxFile builds a workbook; each sheet is a list of rows set from A1, nil
// rows left empty.
func xlsxFile(t testing.TB, sheets []xlsxSheet) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, sh := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", sh.name); err != nil {
				t.Fatal(err)
			}
		} else if _, err := f.NewSheet(sh.name); err != nil {
			t.Fatal(err)
		}
		for r, row := range sh.rows {
			if row == nil {
				continue
			}
			cell, _ := excelize.CoordinatesToCellName(1, r+1)
			if err := f.SetSheetRow(sh.name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
		if sh.hidden {
			if err := f.SetSheetVisible(sh.name, false); err != nil {
				t.Fatal(err)
			}
		}
	}
	buf, err := f.WriteToBuffer()
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type xlsxSheet struct {
	name   string
	hidden bool
	rows   [][]any
}

func TestParseXLSX(t *testing.T) {
	data := xlsxFile(t, []xlsxSheet{
		{name: "说明"}, // empty first sheet
		{name: "代码表", hidden: true, rows: [][]any{{"姓名", "工号"}, {"隐藏", 9}}},
		{name: "教师", rows: [][]any{
			{"2024 学年教职工名册"},
			{"Staff No", "Name", "Gender", "Subjects", "Years of teaching", "Mobile"},
			{1001, "张三", "M", "Math, Physics", 12, 13800000000},
			nil,
			{1002, "李四", "X", "Chinese", 61},
		}},
	})
	s, err := Parse(bytes.NewReader(data), "upload.bin", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if s.Format != FormatXLSX || s.SheetName != "教师" || s.HeaderRow != 2 {
		t.Errorf("format %q sheet %q header row %d", s.Format, s.SheetName, s.HeaderRow)
	}
	if !slices.Equal(s.Unknown, []string{"Mobile"}) {
		t.Errorf("unknown = %q", s.Unknown)
	}
	if len(s.Rows) != 2 {
		t.Fatalf("rows = %+v", s.Rows)
	}
	r := s.Rows[0]
	if r.Line != 3 || r.StaffNo != "1001" || r.Username != "t1001" || r.Gender != "male" ||
		!slices.Equal(r.Subjects, []string{"math", "physics"}) || r.YearsOfTeaching == nil || *r.YearsOfTeaching != 12 {
		t.Errorf("row = %+v", r)
	}
	want := []string{"gender:" + ErrGenderInvalid, "years_of_teaching:" + ErrYearsInvalid}
	if got := codes(s.RowErrors(5)); !slices.Equal(got, want) || s.Rows[1].Line != 5 {
		t.Errorf("row 5 errors = %v, want %v", got, want)
	}
}

func TestParseXLSXLimitsAndEmpty(t *testing.T) {
	empty := xlsxFile(t, []xlsxSheet{{name: "Sheet1"}, {name: "Hidden", hidden: true, rows: [][]any{{"姓名", "工号"}, {"张三", 1}}}})
	_, err := Parse(bytes.NewReader(empty), "a.xlsx", Options{})
	wantFileError(t, err, FileEmpty)

	many := [][]any{{"姓名", "工号"}}
	for i := range 5 {
		many = append(many, []any{"教师", 1000 + i})
	}
	data := xlsxFile(t, []xlsxSheet{{name: "Sheet1", rows: many}})
	_, err = Parse(bytes.NewReader(data), "a.xlsx", Options{MaxRows: 4})
	wantFileError(t, err, FileTooManyRows)
	s, err := Parse(bytes.NewReader(data), "a.xlsx", Options{MaxRows: 5})
	if err != nil || len(s.Rows) != 5 {
		t.Errorf("5 rows under a limit of 5: %v", err)
	}
}

// TestXLSXZipBomb pads a worksheet with XML whitespace that compresses to
// almost nothing; the file is small but must be refused.
func TestXLSXZipBomb(t *testing.T) {
	data := xlsxFile(t, []xlsxSheet{{name: "Sheet1", rows: [][]any{{"姓名", "工号"}, {"张三", 1001}}}})
	zr, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		w, err := zw.Create(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatal(err)
		}
		if f.Name == "xl/worksheets/sheet1.xml" {
			pad := bytes.Repeat([]byte(" "), xlsxUnzipAllowance+2<<20) // more than allowance plus the bomb's own size
			body = bytes.Replace(body, []byte("<sheetData>"), append([]byte("<sheetData>"), pad...), 1)
		}
		if _, err := w.Write(body); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if out.Len() > 1<<20 {
		t.Fatalf("bomb is %d bytes; the test should exercise the unzip limit, not the byte limit", out.Len())
	}
	_, err = Parse(&out, "bomb.xlsx", Options{})
	wantFileError(t, err, FileXLSXInvalid)
}
