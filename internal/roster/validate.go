package roster

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/width"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/teacher"
)

// derivedUsernamePrefix starts usernames made from staff numbers, because
// usernames and staff numbers share a namespace and a bare number such as
// "1001" reads like an ID rather than a login.
const derivedUsernamePrefix = "t"

// minUsername is the shortest username account.ValidUsername accepts.
const minUsername = 3

// validator turns raw rows into Rows, remembering the identities already
// seen so that a duplicate is reported on the later row.
type validator struct {
	sheet     *Sheet
	opts      Options
	usernames map[string]int // username → row that first used it
	staffNos  map[string]int
}

func newValidator(sheet *Sheet, opts Options) *validator {
	return &validator{sheet: sheet, opts: opts, usernames: map[string]int{}, staffNos: map[string]int{}}
}

// rowCheck collects one row's errors.
type rowCheck struct {
	*validator
	row  Row
	errs []RowError
}

func (c *rowCheck) fail(column, code string, args ...string) {
	e := RowError{Row: c.row.Line, Column: column, Code: code}
	if len(args) > 0 {
		e.Args = make(map[string]string, len(args)/2)
		for i := 0; i+1 < len(args); i += 2 {
			e.Args[args[i]] = args[i+1]
		}
	}
	c.errs = append(c.errs, e)
}

// cell returns the column's trimmed text, or "" after reporting a cell that
// is too long or holds control characters, so later checks see it as absent
// without reporting it twice.
func (c *rowCheck) cell(column string) string {
	v := c.row.Raw[column]
	switch {
	case v == "":
		return ""
	case utf8.RuneCountInString(v) > c.opts.MaxCellRunes:
		c.fail(column, ErrTooLong, "max", strconv.Itoa(c.opts.MaxCellRunes))
		return ""
	case strings.IndexFunc(v, isControl) >= 0:
		c.fail(column, ErrInvalidChar)
		return ""
	}
	return v
}

// row validates one non-blank row; rows whose known columns are all blank
// (notes in an unknown column, say) carry nothing to import and are skipped.
func (v *validator) row(line int, cells []string) {
	raw := make(map[string]string)
	for _, col := range v.sheet.Columns {
		if col.index < len(cells) {
			if s := clean(cells[col.index]); s != "" {
				raw[col.Key] = s
			}
		}
	}
	if len(raw) == 0 {
		return
	}
	c := &rowCheck{validator: v, row: Row{Line: line, Raw: raw}}
	c.staffNo()
	c.username()
	c.name()
	c.vocabulary()
	c.years()
	c.email()
	c.duplicates()
	c.row.valid = len(c.errs) == 0
	v.sheet.Rows = append(v.sheet.Rows, c.row)
	v.sheet.Errors = append(v.sheet.Errors, c.errs...)
}

func (c *rowCheck) staffNo() {
	s := width.Fold.String(c.cell(ColStaffNo))
	switch {
	case s == "":
	case utf8.RuneCountInString(s) > account.MaxStaffNo:
		c.fail(ColStaffNo, ErrTooLong, "max", strconv.Itoa(account.MaxStaffNo))
	case strings.IndexFunc(s, func(r rune) bool { return !unicode.IsGraphic(r) || unicode.IsSpace(r) }) >= 0:
		c.fail(ColStaffNo, ErrStaffNoInvalid, "value", s)
	default:
		c.row.StaffNo = s
	}
}

// username takes the file's username, or derives one from the staff number
// so that rosters exported from HR systems, which have no logins, import.
func (c *rowCheck) username() {
	if c.row.Raw[ColUsername] != "" {
		s := c.cell(ColUsername)
		if s == "" {
			return
		}
		u := account.NormalizeUsername(width.Fold.String(s))
		if !account.ValidUsername(u) {
			c.fail(ColUsername, ErrUsernameInvalid, "value", s)
			return
		}
		c.row.Username = u
		return
	}
	switch {
	case c.row.StaffNo != "":
		u := deriveUsername(c.row.StaffNo)
		if !account.ValidUsername(u) {
			c.fail(ColStaffNo, ErrUsernameDerived, "value", u, "staff_no", c.row.StaffNo)
			return
		}
		c.row.Username, c.row.UsernameDerived = u, true
	case c.row.Raw[ColStaffNo] == "":
		// Neither identity is present; an invalid staff number was reported already.
		col := ColUsername
		if !c.sheet.Has(ColUsername) {
			col = ColStaffNo
		}
		c.fail(col, ErrIdentityRequired)
	}
}

// deriveUsername makes a login from a staff number: the prefix, then the
// number lowercased and zero-padded to the shortest username allowed, so
// small schools numbering staff from 1 need not invent usernames.
func deriveUsername(staffNo string) string {
	s := strings.ToLower(staffNo)
	if pad := minUsername - len(derivedUsernamePrefix) - utf8.RuneCountInString(s); pad > 0 {
		s = strings.Repeat("0", pad) + s
	}
	return derivedUsernamePrefix + s
}

func (c *rowCheck) name() {
	if c.row.Raw[ColName] == "" {
		c.fail(ColName, ErrNameRequired)
		return
	}
	s := normalizeName(c.cell(ColName))
	switch {
	case s == "":
	case utf8.RuneCountInString(s) > account.MaxDisplayName:
		c.fail(ColName, ErrTooLong, "max", strconv.Itoa(account.MaxDisplayName))
	default:
		c.row.Name = s
	}
}

// vocabulary checks the columns whose values come from package teacher.
func (c *rowCheck) vocabulary() {
	c.term(ColGender, ErrGenderInvalid, teacher.ParseGender, &c.row.Gender)
	if s := c.cell(ColSubjects); s != "" {
		keys, unknown := teacher.ParseSubjectList(s)
		if len(unknown) > 0 {
			c.fail(ColSubjects, ErrSubjectUnknown, "value", strings.Join(unknown, "、"))
		} else {
			c.row.Subjects = keys
		}
	}
	c.term(ColGradeBand, ErrGradeBandInvalid, teacher.ParseGradeBand, &c.row.GradeBand)
	c.term(ColTitle, ErrTitleInvalid, teacher.ParseTitle, &c.row.Title)
}

func (c *rowCheck) term(column, code string, parse func(string) (string, bool), dst *string) {
	s := c.cell(column)
	if s == "" {
		return
	}
	if k, ok := parse(s); ok {
		*dst = k
		return
	}
	c.fail(column, code, "value", s)
}

// yearsRE accepts a whole number, as typed ("12", "１２", "12年") or as a
// spreadsheet may render it ("12.0").
var yearsRE = regexp.MustCompile(`^([0-9]{1,4})(\.0+)?年?$`)

func (c *rowCheck) years() {
	s := c.cell(ColYears)
	if s == "" {
		return
	}
	m := yearsRE.FindStringSubmatch(strings.ReplaceAll(width.Fold.String(s), " ", ""))
	if m != nil {
		if n, err := strconv.Atoi(m[1]); err == nil && n <= account.MaxYears {
			c.row.YearsOfTeaching = &n
			return
		}
	}
	c.fail(ColYears, ErrYearsInvalid, "value", s, "max", strconv.Itoa(account.MaxYears))
}

// email accepts a bare address only; Chinese input methods turn '.' into
// '。' and '@' into '＠', which are folded back first.
func (c *rowCheck) email() {
	s := c.cell(ColEmail)
	if s == "" {
		return
	}
	e := strings.ReplaceAll(width.Fold.String(s), "。", ".")
	if utf8.RuneCountInString(e) > account.MaxEmail {
		c.fail(ColEmail, ErrTooLong, "max", strconv.Itoa(account.MaxEmail))
		return
	}
	addr, err := mail.ParseAddress(e)
	if err != nil || addr.Name != "" || addr.Address != e {
		c.fail(ColEmail, ErrEmailInvalid, "value", s)
		return
	}
	c.row.Email = e
}

// duplicates reports an identity already used by an earlier row; the first
// row keeps it, so fixing the later row is enough.
func (c *rowCheck) duplicates() {
	if s := c.row.StaffNo; s != "" {
		if first, ok := c.staffNos[s]; ok {
			c.fail(ColStaffNo, ErrDuplicateStaffNo, "value", s, "row", strconv.Itoa(first))
		} else {
			c.staffNos[s] = c.row.Line
		}
	}
	if u := c.row.Username; u != "" {
		col := ColUsername
		if c.row.UsernameDerived {
			col = ColStaffNo
		}
		if first, ok := c.usernames[u]; ok {
			c.fail(col, ErrDuplicateUsername, "value", u, "row", strconv.Itoa(first))
		} else {
			c.usernames[u] = c.row.Line
		}
	}
}

// normalizeName collapses runs of space and removes the spaces people put
// between Chinese characters to align two-character names ("王　芳").
func normalizeName(s string) string {
	words := strings.FieldsFunc(s, isSpace)
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			prev, _ := utf8.DecodeLastRuneInString(words[i-1])
			next, _ := utf8.DecodeRuneInString(w)
			if !unicode.Is(unicode.Han, prev) || !unicode.Is(unicode.Han, next) {
				b.WriteByte(' ')
			}
		}
		b.WriteString(w)
	}
	return b.String()
}

// clean trims spaces, including the full-width and zero-width ones that
// Chinese documents and web pages leave in cells.
func clean(s string) string { return strings.TrimFunc(s, isSpace) }

func isSpace(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200B' || r == '\uFEFF'
}

// isControl finds characters that cannot be meant in a roster cell; line
// breaks and tabs are space, not control, for this purpose.
func isControl(r rune) bool { return unicode.IsControl(r) && !unicode.IsSpace(r) }
