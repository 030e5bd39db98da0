package roster

import (
	"encoding/csv"
	"slices"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
)

// validRow is a row that passes every check; cases override single cells.
var validRow = map[string]string{
	ColStaffNo:   "1001",
	ColUsername:  "zhangsan",
	ColName:      "张三",
	ColGender:    "男",
	ColSubjects:  "语文、数学",
	ColGradeBand: "初中",
	ColTitle:     "一级教师",
	ColYears:     "12",
	ColEmail:     "zhang@example.com",
}

// parseOne parses a file with every column and one data row.
func parseOne(t *testing.T, override map[string]string) *Sheet {
	t.Helper()
	var b strings.Builder
	w := csv.NewWriter(&b)
	cols := ColumnKeys()
	var row []string
	for _, c := range cols {
		v, ok := override[c]
		if !ok {
			v = validRow[c]
		}
		row = append(row, v)
	}
	if err := w.WriteAll([][]string{cols, row}); err != nil {
		t.Fatal(err)
	}
	return parseString(t, b.String())
}

func TestValidation(t *testing.T) {
	long := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct {
		name  string
		cells map[string]string
		// errs lists "column:code"; nil means the row must be valid.
		errs  []string
		check func(t *testing.T, r Row)
	}{
		{"valid", nil, nil, func(t *testing.T, r Row) {
			if r.Name != "张三" || r.Username != "zhangsan" || r.UsernameDerived || r.Gender != "male" ||
				!slices.Equal(r.Subjects, []string{"chinese", "math"}) || r.GradeBand != "junior" ||
				r.Title != "first" || r.YearsOfTeaching == nil || *r.YearsOfTeaching != 12 ||
				r.Email != "zhang@example.com" || r.StaffNo != "1001" {
				t.Errorf("row = %+v", r)
			}
		}},

		// name
		{"name required", map[string]string{ColName: " \u3000"}, []string{"name:" + ErrNameRequired}, nil},
		{"name trimmed", map[string]string{ColName: "\u3000张三\u200B "}, nil, wantField(func(r Row) string { return r.Name }, "张三")},
		{"name aligned with full-width space", map[string]string{ColName: "王\u3000芳"}, nil, wantField(func(r Row) string { return r.Name }, "王芳")},
		{"latin name spaces collapsed", map[string]string{ColName: "Li   Ming"}, nil, wantField(func(r Row) string { return r.Name }, "Li Ming")},
		{"name too long", map[string]string{ColName: long(65)}, []string{"name:" + ErrTooLong}, nil},
		{"name 64 ok", map[string]string{ColName: long(64)}, nil, nil},
		{"name control char", map[string]string{ColName: "张\x01三"}, []string{"name:" + ErrInvalidChar}, nil},

		// username
		{"username lowercased", map[string]string{ColUsername: "ZhangSan"}, nil, wantField(func(r Row) string { return r.Username }, "zhangsan")},
		{"username full-width", map[string]string{ColUsername: "ｚｈａｎｇ３"}, nil, wantField(func(r Row) string { return r.Username }, "zhang3")},
		{"username with ._-", map[string]string{ColUsername: "li.ming_2-a"}, nil, nil},
		{"username too short", map[string]string{ColUsername: "ab"}, []string{"username:" + ErrUsernameInvalid}, nil},
		{"username 32 ok", map[string]string{ColUsername: long(32)}, nil, nil},
		{"username 33", map[string]string{ColUsername: long(33)}, []string{"username:" + ErrUsernameInvalid}, nil},
		{"username space", map[string]string{ColUsername: "zhang san"}, []string{"username:" + ErrUsernameInvalid}, nil},
		{"username chinese", map[string]string{ColUsername: "张三"}, []string{"username:" + ErrUsernameInvalid}, nil},
		{"username leading dash", map[string]string{ColUsername: "-abc"}, []string{"username:" + ErrUsernameInvalid}, nil},
		{"username derived", map[string]string{ColUsername: "", ColStaffNo: "A1001"}, nil, func(t *testing.T, r Row) {
			if r.Username != "ta1001" || !r.UsernameDerived || r.Key() != (Key{ColStaffNo, "A1001"}) {
				t.Errorf("row = %+v", r)
			}
		}},
		{"username not derivable", map[string]string{ColUsername: "", ColStaffNo: "教001"}, []string{"staff_no:" + ErrUsernameDerived}, nil},
		{"no identity", map[string]string{ColUsername: "", ColStaffNo: ""}, []string{"username:" + ErrIdentityRequired}, nil},
		{"username only", map[string]string{ColStaffNo: ""}, nil, func(t *testing.T, r Row) {
			if r.Key() != (Key{ColUsername, "zhangsan"}) {
				t.Errorf("key = %v", r.Key())
			}
		}},

		// staff number
		{"staff no full-width", map[string]string{ColStaffNo: "１００１"}, nil, wantField(func(r Row) string { return r.StaffNo }, "1001")},
		{"staff no keeps leading zeros", map[string]string{ColStaffNo: "000123"}, nil, wantField(func(r Row) string { return r.StaffNo }, "000123")},
		{"staff no inner space", map[string]string{ColStaffNo: "10 01"}, []string{"staff_no:" + ErrStaffNoInvalid}, nil},
		{"staff no too long", map[string]string{ColStaffNo: long(33)}, []string{"staff_no:" + ErrTooLong}, nil},
		{"invalid staff no does not also ask for identity", map[string]string{ColStaffNo: "10 01", ColUsername: ""}, []string{"staff_no:" + ErrStaffNoInvalid}, nil},

		// gender
		{"gender female", map[string]string{ColGender: "女"}, nil, wantField(func(r Row) string { return r.Gender }, "female")},
		{"gender F", map[string]string{ColGender: "F"}, nil, wantField(func(r Row) string { return r.Gender }, "female")},
		{"gender male", map[string]string{ColGender: "male"}, nil, wantField(func(r Row) string { return r.Gender }, "male")},
		{"gender blank", map[string]string{ColGender: ""}, nil, wantField(func(r Row) string { return r.Gender }, "")},
		{"gender unknown", map[string]string{ColGender: "未知"}, []string{"gender:" + ErrGenderInvalid}, nil},

		// subjects
		{"subjects english", map[string]string{ColSubjects: "Math, Physical Education"}, nil, func(t *testing.T, r Row) {
			if !slices.Equal(r.Subjects, []string{"math", "pe"}) {
				t.Errorf("subjects = %q", r.Subjects)
			}
		}},
		{"subjects semicolons and spaces", map[string]string{ColSubjects: "物理；化学 生物"}, nil, func(t *testing.T, r Row) {
			if !slices.Equal(r.Subjects, []string{"physics", "chemistry", "biology"}) {
				t.Errorf("subjects = %q", r.Subjects)
			}
		}},
		{"subjects blank", map[string]string{ColSubjects: ""}, nil, func(t *testing.T, r Row) {
			if r.Subjects != nil {
				t.Errorf("subjects = %q", r.Subjects)
			}
		}},
		{"subject unknown", map[string]string{ColSubjects: "语文、天文、占星"}, []string{"subjects:" + ErrSubjectUnknown}, func(t *testing.T, r Row) {
			if r.Subjects != nil {
				t.Errorf("subjects of an invalid cell = %q", r.Subjects)
			}
		}},

		// grade band and title
		{"grade band senior", map[string]string{ColGradeBand: "高中"}, nil, wantField(func(r Row) string { return r.GradeBand }, "senior")},
		{"grade band english", map[string]string{ColGradeBand: "Primary"}, nil, wantField(func(r Row) string { return r.GradeBand }, "primary")},
		{"grade band unknown", map[string]string{ColGradeBand: "大学"}, []string{"grade_band:" + ErrGradeBandInvalid}, nil},
		{"title senior", map[string]string{ColTitle: "高级教师"}, nil, wantField(func(r Row) string { return r.Title }, "senior")},
		{"title pre-2015", map[string]string{ColTitle: "中学一级教师"}, nil, wantField(func(r Row) string { return r.Title }, "first")},
		{"title unrated", map[string]string{ColTitle: "未定级"}, nil, wantField(func(r Row) string { return r.Title }, "unrated")},
		{"title unknown", map[string]string{ColTitle: "特级教师"}, []string{"title:" + ErrTitleInvalid}, nil},

		// years of teaching
		{"years 0", map[string]string{ColYears: "0"}, nil, wantYears(0)},
		{"years 60", map[string]string{ColYears: "60"}, nil, wantYears(60)},
		{"years full-width", map[string]string{ColYears: "１２"}, nil, wantYears(12)},
		{"years with unit", map[string]string{ColYears: "12年"}, nil, wantYears(12)},
		{"years as spreadsheet float", map[string]string{ColYears: "12.0"}, nil, wantYears(12)},
		{"years blank", map[string]string{ColYears: ""}, nil, func(t *testing.T, r Row) {
			if r.YearsOfTeaching != nil {
				t.Errorf("years = %d", *r.YearsOfTeaching)
			}
		}},
		{"years 61", map[string]string{ColYears: "61"}, []string{"years_of_teaching:" + ErrYearsInvalid}, nil},
		{"years negative", map[string]string{ColYears: "-1"}, []string{"years_of_teaching:" + ErrYearsInvalid}, nil},
		{"years fraction", map[string]string{ColYears: "12.5"}, []string{"years_of_teaching:" + ErrYearsInvalid}, nil},
		{"years text", map[string]string{ColYears: "十二"}, []string{"years_of_teaching:" + ErrYearsInvalid}, nil},
		{"years huge", map[string]string{ColYears: "99999999999999999999"}, []string{"years_of_teaching:" + ErrYearsInvalid}, nil},

		// email
		{"email blank", map[string]string{ColEmail: ""}, nil, nil},
		{"email full-width from an IME", map[string]string{ColEmail: "ｚｈａｎｇ＠ｅｘａｍｐｌｅ。ｃｏｍ"}, nil, wantField(func(r Row) string { return r.Email }, "zhang@example.com")},
		{"email with display name", map[string]string{ColEmail: "Zhang <zhang@example.com>"}, []string{"email:" + ErrEmailInvalid}, nil},
		{"email without at", map[string]string{ColEmail: "zhang.example.com"}, []string{"email:" + ErrEmailInvalid}, nil},
		{"email two ats", map[string]string{ColEmail: "a@b@c.com"}, []string{"email:" + ErrEmailInvalid}, nil},
		{"email too long", map[string]string{ColEmail: long(250) + "@x.cn"}, []string{"email:" + ErrTooLong}, nil},

		// general cell rules and error order
		{"cell over the limit", map[string]string{ColTitle: long(DefaultMaxCellRunes + 1)}, []string{"title:" + ErrTooLong}, nil},
		{"errors in column order", map[string]string{ColEmail: "x", ColName: "", ColGender: "?", ColUsername: "A B"},
			[]string{"username:" + ErrUsernameInvalid, "name:" + ErrNameRequired, "gender:" + ErrGenderInvalid, "email:" + ErrEmailInvalid}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := parseOne(t, tt.cells)
			if len(s.Rows) != 1 {
				t.Fatalf("rows = %+v", s.Rows)
			}
			r := s.Rows[0]
			if got := codes(s.Errors); !slices.Equal(got, tt.errs) {
				t.Errorf("errors = %v, want %v", s.Errors, tt.errs)
			}
			if r.Valid() != (len(tt.errs) == 0) {
				t.Errorf("Valid() = %v with errors %v", r.Valid(), s.Errors)
			}
			for _, e := range s.Errors {
				if e.Row != 2 {
					t.Errorf("error row = %d, want 2", e.Row)
				}
			}
			if tt.check != nil {
				tt.check(t, r)
			}
		})
	}
}

func wantField(get func(Row) string, want string) func(*testing.T, Row) {
	return func(t *testing.T, r Row) {
		t.Helper()
		if got := get(r); got != want {
			t.Errorf("got %q, want %q", got, want)
		}
	}
}

func wantYears(n int) func(*testing.T, Row) {
	return func(t *testing.T, r Row) {
		t.Helper()
		if r.YearsOfTeaching == nil || *r.YearsOfTeaching != n {
			t.Errorf("years = %v, want %d", r.YearsOfTeaching, n)
		}
	}
}

func TestErrorArgs(t *testing.T) {
	tests := []struct {
		cells map[string]string
		args  map[string]string
	}{
		{map[string]string{ColGender: "未知"}, map[string]string{"value": "未知"}},
		{map[string]string{ColSubjects: "语文、天文、占星"}, map[string]string{"value": "天文、占星"}},
		{map[string]string{ColYears: "99"}, map[string]string{"value": "99", "max": "60"}},
		{map[string]string{ColName: strings.Repeat("名", 65)}, map[string]string{"max": "64"}},
		{map[string]string{ColUsername: "", ColStaffNo: "教001"}, map[string]string{"value": "t教001", "staff_no": "教001"}},
	}
	for _, tt := range tests {
		s := parseOne(t, tt.cells)
		if len(s.Errors) != 1 {
			t.Errorf("%v: errors = %v", tt.cells, s.Errors)
			continue
		}
		if e := s.Errors[0]; len(e.Args) != len(tt.args) || !equalRowError(e, RowError{Row: e.Row, Column: e.Column, Code: e.Code, Args: tt.args}) {
			t.Errorf("%v: args = %v, want %v", tt.cells, e.Args, tt.args)
		}
	}
}

func TestBlankKnownCellsSkipRow(t *testing.T) {
	s := parseString(t, "姓名,工号,备注\n张三,1,\n,,只有备注\n")
	if len(s.Rows) != 1 || !s.Valid() {
		t.Errorf("rows = %+v errors %v", s.Rows, s.Errors)
	}
}

func TestNormalizeName(t *testing.T) {
	for in, want := range map[string]string{
		"王 芳":             "王芳",
		"欧阳\u3000\u3000修": "欧阳修",
		"Li  Ming":        "Li Ming",
		"李 Ming":          "李 Ming",
		"阿卜杜拉·买买提":        "阿卜杜拉·买买提",
	} {
		if got := normalizeName(in); got != want {
			t.Errorf("normalizeName(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestDeriveUsername(t *testing.T) {
	for in, want := range map[string]string{"1": "t01", "12": "t12", "A1001": "ta1001", "000123": "t000123"} {
		if got := deriveUsername(in); got != want {
			t.Errorf("deriveUsername(%q) = %q, want %q", in, got, want)
		}
	}
	// minUsername mirrors the account rule; this fails if that rule moves.
	if !account.ValidUsername(strings.Repeat("a", minUsername)) || account.ValidUsername(strings.Repeat("a", minUsername-1)) {
		t.Errorf("minUsername = %d no longer matches account.ValidUsername", minUsername)
	}
}
