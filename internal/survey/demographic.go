package survey

import (
	"slices"

	"github.com/yanxiu/yanxiu/internal/teacher"
)

// Field is a demographic a questionnaire can ask about. Each is a single
// choice whose options come from the controlled vocabulary the profile
// uses, so an answer prefilled from the profile and an answer typed by
// hand are coded alike, and results group by the same categories
// everywhere.
type Field string

// The demographic fields.
const (
	FieldGender    Field = "gender"
	FieldYears     Field = "years_band" // years of teaching, in bands
	FieldTitle     Field = "title"
	FieldSubject   Field = "subject" // the main subject taught
	FieldGradeBand Field = "grade_band"
	FieldLocation  Field = "location" // urban, town or rural school
)

// Fields lists the demographic fields in the order the builder offers them.
var Fields = []Field{FieldGender, FieldYears, FieldTitle, FieldSubject, FieldGradeBand, FieldLocation}

// FieldName is the zh-CN and English name of a field, used as the default
// question text and in the codebook.
func FieldName(f Field) (zh, en string) {
	switch f {
	case FieldGender:
		return "性别", "Gender"
	case FieldYears:
		return "教龄", "Years of teaching"
	case FieldTitle:
		return "职称", "Professional title"
	case FieldSubject:
		return "任教学科", "Subject taught"
	case FieldGradeBand:
		return "任教学段", "School stage taught"
	case FieldLocation:
		return "学校所在地", "School location"
	}
	return string(f), string(f)
}

// YearsBands are the bands years of teaching are asked and grouped in:
// the novice, developing, mature and veteran stages research on teacher
// careers compares. Max is inclusive; the last band has no upper bound.
var YearsBands = []struct {
	Max     int
	Label   string
	LabelEN string
}{
	{5, "5年及以下", "5 years or fewer"},
	{10, "6–10年", "6–10 years"},
	{20, "11–20年", "11–20 years"},
	{-1, "20年以上", "More than 20 years"},
}

// locations are the school locations of space.Locations with their names.
var locations = []Option{
	{Value: 1, Label: "城区", LabelEN: "Urban"},
	{Value: 2, Label: "镇区", LabelEN: "Town"},
	{Value: 3, Label: "乡村", LabelEN: "Rural"},
}

var locationKeys = []string{"urban", "town", "rural"}

// FieldOptions returns the options of a demographic field, coded 1..n in
// the vocabulary's order.
func FieldOptions(f Field) ([]Option, bool) {
	var terms []teacher.Term
	switch f {
	case FieldGender:
		terms = teacher.Genders()
	case FieldTitle:
		terms = teacher.Titles()
	case FieldSubject:
		terms = teacher.Subjects()
	case FieldGradeBand:
		terms = teacher.GradeBands()
	case FieldYears:
		out := make([]Option, len(YearsBands))
		for i, b := range YearsBands {
			out[i] = Option{Value: i + 1, Label: b.Label, LabelEN: b.LabelEN}
		}
		return out, true
	case FieldLocation:
		return slices.Clone(locations), true
	default:
		return nil, false
	}
	out := make([]Option, len(terms))
	for i, t := range terms {
		out[i] = Option{Value: i + 1, Label: t.ZH, LabelEN: t.EN}
	}
	return out, true
}

// Profile is what prefilling knows of a respondent, taken from their
// account and their school.
type Profile struct {
	Gender    string // teacher.Genders key or ""
	Years     *int
	Title     string // teacher.Titles key or ""
	Subjects  []string
	GradeBand string
	Location  string // urban | town | rural | ""
}

// ProfileCode returns the option code a profile gives a field, 0 when the
// profile does not say.
func ProfileCode(f Field, p Profile) int {
	index := func(terms []teacher.Term, key string) int {
		if key == "" {
			return 0
		}
		return slices.IndexFunc(terms, func(t teacher.Term) bool { return t.Key == key }) + 1
	}
	switch f {
	case FieldGender:
		return index(teacher.Genders(), p.Gender)
	case FieldTitle:
		return index(teacher.Titles(), p.Title)
	case FieldGradeBand:
		return index(teacher.GradeBands(), p.GradeBand)
	case FieldSubject:
		if len(p.Subjects) == 0 {
			return 0
		}
		return index(teacher.Subjects(), p.Subjects[0])
	case FieldYears:
		if p.Years == nil || *p.Years < 0 {
			return 0
		}
		return YearsBand(*p.Years)
	case FieldLocation:
		return slices.Index(locationKeys, p.Location) + 1
	}
	return 0
}

// YearsBand returns the code of the band that years of teaching fall in.
func YearsBand(years int) int {
	for i, b := range YearsBands {
		if b.Max < 0 || years <= b.Max {
			return i + 1
		}
	}
	return len(YearsBands)
}

// Prefill returns starting answers for the demographic items that ask for
// prefilling, from the respondent's profile; the respondent can change them.
func Prefill(d *Definition, p Profile) Answers {
	out := Answers{}
	for _, it := range d.Items() {
		if it.Kind != Demographic || !it.Prefill {
			continue
		}
		if code := ProfileCode(it.Field, p); code > 0 && it.HasOption(code) {
			out[it.ID] = Answer{Choice: code}
		}
	}
	return out
}
