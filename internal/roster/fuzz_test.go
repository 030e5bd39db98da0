package roster

import (
	"bytes"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
)

func FuzzParseCSV(f *testing.F) {
	for _, seed := range []string{
		fullHeader + "1001,zhangsan,张三,男,语文、数学,初中,一级教师,12,zhang@example.com\n",
		"\uFEFF姓名,工号\n张三,1\n张三,1\n",
		"title\n姓名\t工号\t手机\n\"张\n三\",1,\n\n李四,,\n",
		"姓名;用户名\nLi Ming;LiMing\n",
		"\xd0\xd5\xc3\xfb,\xb9\xa4\xba\xc5\n\xd5\xc5\xc8\xfd,1\n", // GB18030
		"姓名,工号,姓名\n",
		"",
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(bytes.NewReader(data), "roster.csv", Options{MaxRows: 200})
		if err != nil {
			if _, ok := apperr.As(err); !ok {
				t.Fatalf("unclassified error for in-memory input: %v", err)
			}
			if s != nil {
				t.Fatal("sheet returned with an error")
			}
			return
		}
		if s.HeaderRow < 1 || len(s.Rows) == 0 || !s.Has(ColName) {
			t.Fatalf("sheet without header or rows: %+v", s)
		}
		prev := s.HeaderRow
		for _, r := range s.Rows {
			if r.Line <= prev {
				t.Fatalf("row %d after row %d", r.Line, prev)
			}
			prev = r.Line
			if r.Valid() != (len(s.RowErrors(r.Line)) == 0) {
				t.Fatalf("row %d: Valid() disagrees with its errors", r.Line)
			}
			if !r.Valid() {
				continue
			}
			if r.Name == "" || !account.ValidUsername(r.Username) || r.Key().Value == "" {
				t.Fatalf("valid row %+v breaks an invariant", r)
			}
			if r.YearsOfTeaching != nil && (*r.YearsOfTeaching < 0 || *r.YearsOfTeaching > account.MaxYears) {
				t.Fatalf("years out of range: %d", *r.YearsOfTeaching)
			}
		}
		for _, e := range s.Errors {
			if len(s.RowErrors(e.Row)) == 0 || e.Code == "" || e.Column == "" {
				t.Fatalf("error %+v refers to no row", e)
			}
		}
	})
}

// FuzzParseXLSX feeds damaged workbooks through excelize: an upload must
// never crash the server, whatever the bytes.
func FuzzParseXLSX(f *testing.F) {
	f.Add(xlsxFile(f, []xlsxSheet{{name: "Sheet1", rows: [][]any{{"姓名", "工号"}, {"张三", 1001}}}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		s, err := Parse(bytes.NewReader(data), "roster.xlsx", Options{MaxRows: 200})
		if err != nil {
			if _, ok := apperr.As(err); !ok {
				t.Fatalf("unclassified error for in-memory input: %v", err)
			}
			return
		}
		for _, r := range s.Rows {
			if r.Valid() && (r.Name == "" || r.Key().Value == "") {
				t.Fatalf("valid row %+v breaks an invariant", r)
			}
		}
	})
}
