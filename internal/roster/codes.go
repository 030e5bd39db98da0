package roster

// Message keys. Every key has a text in internal/i18n/locales/*/roster.json;
// catalogue_test.go fails when one is missing or unused.

// File-level problems, returned by Parse as *apperr.Error with one of these
// as Key. Nothing in such a file can be imported.
const (
	FileTooLarge        = "roster.file.too_large"        // {max}
	FileTooManyRows     = "roster.file.too_many_rows"    // {max}
	FileEmpty           = "roster.file.empty"            // no cell holds anything
	FileNoHeader        = "roster.file.no_header"        // {rows}: no known column name in the first rows
	FileNoRows          = "roster.file.no_rows"          // a header and nothing under it
	FileMissingName     = "roster.file.missing_name"     // no 姓名/name column
	FileMissingIdentity = "roster.file.missing_identity" // neither 用户名/username nor 工号/staff_no
	FileDuplicateColumn = "roster.file.duplicate_column" // {header} {other}
	FileEncoding        = "roster.file.encoding_unknown" // neither UTF-8 nor GB18030 text
	FileUTF16           = "roster.file.utf16"            // Excel's "Unicode text" export
	FileLegacyExcel     = "roster.file.legacy_excel"     // .xls or an encrypted workbook
	FileXLSXInvalid     = "roster.file.xlsx_invalid"     // damaged or not really XLSX
	FileCSVInvalid      = "roster.file.csv_invalid"      // {row}
)

// Row-level problems, the Code of a RowError. The row is skipped (or, by
// the admin's choice, the whole import is refused) but other rows stand.
const (
	ErrNameRequired      = "roster.error.name_required"
	ErrIdentityRequired  = "roster.error.identity_required"
	ErrTooLong           = "roster.error.too_long"                 // {max}
	ErrInvalidChar       = "roster.error.invalid_char"             // control characters in a cell
	ErrUsernameInvalid   = "roster.error.username_invalid"         // {value}; all codes below take {value} unless noted
	ErrUsernameDerived   = "roster.error.username_derived_invalid" // {value} {staff_no}
	ErrGenderInvalid     = "roster.error.gender_invalid"
	ErrSubjectUnknown    = "roster.error.subject_unknown"
	ErrGradeBandInvalid  = "roster.error.grade_band_invalid"
	ErrTitleInvalid      = "roster.error.title_invalid"
	ErrYearsInvalid      = "roster.error.years_invalid" // {value} {max}
	ErrEmailInvalid      = "roster.error.email_invalid"
	ErrStaffNoInvalid    = "roster.error.staff_no_invalid"
	ErrDuplicateUsername = "roster.error.duplicate_username" // {value} {row}
	ErrDuplicateStaffNo  = "roster.error.duplicate_staff_no" // {value} {row}
)

// WarningUnknownColumns is for the preview: {columns} lists the headers that
// were ignored.
const WarningUnknownColumns = "roster.warning.unknown_columns"

// ColumnMessageKey is the catalogue key of a column's display name, for
// showing RowError.Column in the user's language.
func ColumnMessageKey(column string) string { return "roster.column." + column }
