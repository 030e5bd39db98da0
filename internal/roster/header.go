package roster

import (
	"io"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/width"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// Canonical column keys: the vocabulary of RowError.Column and Sheet.Columns.
const (
	ColUsername  = "username"
	ColName      = "name"
	ColGender    = "gender"
	ColSubjects  = "subjects"
	ColGradeBand = "grade_band"
	ColTitle     = "title"
	ColYears     = "years_of_teaching"
	ColEmail     = "email"
	ColStaffNo   = "staff_no"
)

// ColumnKeys lists the known columns in the order a template file should
// offer them.
func ColumnKeys() []string {
	return []string{ColStaffNo, ColUsername, ColName, ColGender, ColSubjects, ColGradeBand, ColTitle, ColYears, ColEmail}
}

// headerSpellings are the header texts accepted for each column. Matching
// ignores case, width, spaces, '_', '-', '.', ':', a required-field '*' and
// a trailing note in brackets ("教龄（年）", "学科(多个用顿号分隔)").
// 手机 (mobile phone) is deliberately absent: accounts do not store it.
var headerSpellings = map[string][]string{
	ColUsername:  {"用户名", "账号", "帐号", "账户", "帐户", "登录名", "登录账号", "用户账号", "username", "user name", "login", "login name", "account"},
	ColName:      {"姓名", "名字", "真实姓名", "教师姓名", "name", "full name", "real name", "display name"},
	ColGender:    {"性别", "gender", "sex"},
	ColSubjects:  {"学科", "任教学科", "科目", "任教科目", "subject", "subjects"},
	ColGradeBand: {"学段", "任教学段", "grade band", "grade_band", "stage", "school stage"},
	ColTitle:     {"职称", "专业技术职称", "职称等级", "title", "professional title"},
	ColYears:     {"教龄", "从教年限", "years of teaching", "years_of_teaching", "teaching years", "years teaching"},
	ColEmail:     {"邮箱", "电子邮箱", "电子邮件", "邮件", "邮箱地址", "email", "e-mail", "mail", "email address"},
	ColStaffNo:   {"工号", "教工号", "职工号", "员工号", "教师编号", "staff no", "staff_no", "staff number", "staff id", "employee no", "employee number", "employee id"},
}

var headerIndex = func() map[string]string {
	m := make(map[string]string)
	for key, spellings := range headerSpellings {
		for _, s := range spellings {
			m[normalizeHeader(s)] = key
		}
	}
	return m
}()

// lookupHeader maps one header cell to its column key.
func lookupHeader(h string) (string, bool) {
	k, ok := headerIndex[normalizeHeader(h)]
	return k, ok
}

func normalizeHeader(h string) string {
	h = strings.ToLower(width.Fold.String(clean(h)))
	h = strings.Trim(h, "*")
	if i := strings.IndexAny(h, "(["); i > 0 {
		h = h[:i]
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || strings.ContainsRune("_-.:*", r) {
			return -1
		}
		return r
	}, h)
}

// maxPreambleRows is how many non-blank rows may precede the header: school
// exports often start with a title such as "某某学校教职工名册".
const maxPreambleRows = 10

// maxUnknownHeader keeps a pathological header cell out of the preview.
const maxUnknownHeader = 64

// readHeader consumes rows up to and including the header and records the
// columns in sheet. The header is the first non-blank row naming at least
// one known column.
func readHeader(src source, sheet *Sheet) error {
	seen := 0
	for {
		line, cells, err := src.next()
		if err == io.EOF {
			if seen == 0 {
				return fileErr(apperr.Invalid, FileEmpty)
			}
			return fileErr(apperr.Invalid, FileNoHeader, "rows", strconv.Itoa(maxPreambleRows))
		}
		if err != nil {
			return err
		}
		if blank(cells) {
			continue
		}
		seen++
		found, err := mapHeader(cells, sheet)
		if err != nil {
			return err
		}
		if found {
			sheet.HeaderRow = line
			return checkRequired(sheet)
		}
		if seen >= maxPreambleRows {
			return fileErr(apperr.Invalid, FileNoHeader, "rows", strconv.Itoa(maxPreambleRows))
		}
	}
}

// mapHeader fills sheet.Columns and sheet.Unknown when cells name at least
// one known column, and leaves sheet untouched otherwise.
func mapHeader(cells []string, sheet *Sheet) (bool, error) {
	var cols []Column
	var unknown []string
	for i, cell := range cells {
		h := clean(cell)
		if h == "" {
			continue
		}
		key, ok := lookupHeader(h)
		if !ok {
			unknown = append(unknown, truncateRunes(h, maxUnknownHeader))
			continue
		}
		for _, c := range cols {
			if c.Key == key {
				return false, fileErr(apperr.Invalid, FileDuplicateColumn, "header", truncateRunes(h, maxUnknownHeader), "other", c.Header)
			}
		}
		cols = append(cols, Column{Key: key, Header: h, index: i})
	}
	if len(cols) == 0 {
		return false, nil
	}
	sheet.Columns, sheet.Unknown = cols, unknown
	return true, nil
}

func checkRequired(sheet *Sheet) error {
	if !sheet.Has(ColName) {
		return fileErr(apperr.Invalid, FileMissingName)
	}
	if !sheet.Has(ColUsername) && !sheet.Has(ColStaffNo) {
		return fileErr(apperr.Invalid, FileMissingIdentity)
	}
	return nil
}

func truncateRunes(s string, n int) string {
	i := 0
	for pos := range s {
		if i == n {
			return s[:pos] + "…"
		}
		i++
	}
	return s
}
