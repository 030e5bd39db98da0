package api

import (
	"fmt"
	"slices"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func names(items []institutionDTO) []string {
	var out []string
	for _, s := range items {
		out = append(out, s.Name)
	}
	slices.Sort(out)
	return out
}

func TestListInstitutions(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tests := []struct {
			query string
			want  []string
		}{
			{"", []string{"数学教研组", "朝阳区", "海淀区", "第一中学", "第二中学"}},
			{fmt.Sprintf("parent=%d", f.district.ID), []string{"第一中学"}},
			{fmt.Sprintf("under=%d", f.district.ID), []string{"数学教研组", "海淀区", "第一中学"}},
			{fmt.Sprintf("under=%d&level=group", f.district.ID), []string{"数学教研组"}},
			{"level=school", []string{"第一中学", "第二中学"}},
			{"level=district&q=%E6%B5%B7", []string{"海淀区"}},
			{"q=nothing", nil},
		}
		for _, tt := range tests {
			l := decode[list[institutionDTO]](t, f.get("chenjing", "/api/v1/institutions?"+tt.query).want(t, 200))
			if got := names(l.Items); !slices.Equal(got, tt.want) || l.Total != len(tt.want) {
				t.Errorf("?%s: %v (total %d), want %v", tt.query, got, l.Total, tt.want)
			}
		}
		l := decode[list[institutionDTO]](t, f.get("chenjing", "/api/v1/institutions?limit=2&offset=1").want(t, 200))
		if len(l.Items) != 2 || l.Total != 5 {
			t.Errorf("page: %d items, total %d", len(l.Items), l.Total)
		}
		for _, tt := range []struct{ query, field string }{
			{fmt.Sprintf("parent=%d&under=%d", f.district.ID, f.district.ID), "under"},
			{fmt.Sprintf("parent=%d&level=school", f.district.ID), "parent"},
			{"parent=999999", "parent"},
			{"under=999999", "under"},
			{"under=abc", "under"},
			{"parent=-3", "parent"},
			{"level=planet", "level"},
		} {
			wantField(t, f.get("chenjing", "/api/v1/institutions?"+tt.query), 400, tt.field, "")
		}
	})
}

func TestShowInstitution(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		s := decode[institutionDTO](t, f.get("zhangwei", fmt.Sprintf("/api/v1/institutions/%d", f.school.ID)).want(t, 200))
		if s.Name != "第一中学" || s.Level != "school" || s.ParentID == nil || *s.ParentID != f.district.ID || s.MemberCount != 2 {
			t.Errorf("school = %+v", s)
		}
		d := decode[institutionDTO](t, f.get("zhangwei", fmt.Sprintf("/api/v1/institutions/%d", f.district.ID)).want(t, 200))
		if d.ParentID != nil {
			t.Errorf("root district parent_id = %v, want null", *d.ParentID)
		}
		f.get("zhangwei", "/api/v1/institutions/999999").want(t, 404)
		// A personal space is not an institution.
		f.get("zhangwei", fmt.Sprintf("/api/v1/institutions/%d", f.teacher.PersonalSpaceID)).want(t, 404)
		wantField(t, f.call(request{method: "GET", path: "/api/v1/institutions/abc", as: "zhangwei",
			header: map[string]string{"Accept-Language": "en"}}), 400, "id", "Must be a positive integer ID")
		wantField(t, f.get("zhangwei", "/api/v1/institutions/0"), 400, "id", "应为正整数编号")
	})
}

func TestCreateInstitution(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tests := []struct {
			name   string
			as     string
			body   map[string]any
			status int
			level  string
		}{
			{"admin adds a root region", "admin", map[string]any{"name": "北京市", "level": "region"}, 201, "region"},
			{"district admin adds a school", "quadmin", map[string]any{"parent_id": f.district.ID, "name": "第三中学", "location": "town", "code": "110108"}, 201, "school"},
			{"school admin adds a group", "xiaozhang", map[string]any{"parent_id": f.school.ID, "name": "语文教研组"}, 201, "group"},
			{"teacher may not", "zhangwei", map[string]any{"parent_id": f.school.ID, "name": "英语教研组"}, 403, ""},
			{"school admin outside their subtree", "xiaozhang", map[string]any{"parent_id": f.otherSchool.ID, "name": "物理教研组"}, 403, ""},
			{"school admin above their school", "xiaozhang", map[string]any{"parent_id": f.district.ID, "name": "第四中学"}, 403, ""},
			{"district admin in another district", "quadmin", map[string]any{"parent_id": f.otherDistrict.ID, "name": "第五中学"}, 403, ""},
			{"district admin adds a root", "quadmin", map[string]any{"name": "上海市", "level": "region"}, 403, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := f.post(tt.as, "/api/v1/institutions", tt.body).want(t, tt.status)
				if tt.status == 403 {
					if e := apiErr(t, r); e.Code != "forbidden" || e.Message != "您没有权限执行此操作。" {
						t.Errorf("forbidden answer: %+v", e)
					}
					return
				}
				s := decode[institutionDTO](t, r)
				if s.ID == 0 || s.Name != tt.body["name"] || string(s.Level) != tt.level {
					t.Errorf("created %+v", s)
				}
				f.get(tt.as, fmt.Sprintf("/api/v1/institutions/%d", s.ID)).want(t, 200)
			})
		}
		// Nothing forbidden was written.
		l := decode[list[institutionDTO]](t, f.get("admin", "/api/v1/institutions?limit=100"))
		if got := names(l.Items); len(got) != 8 {
			t.Errorf("institutions after the attempts: %v", got)
		}
	})
}

func TestCreateInstitutionFieldErrors(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tests := []struct {
			name, lang string
			body       any
			field      string
			text       string
		}{
			{"name required zh", "zh-CN", map[string]any{"parent_id": f.school.ID, "name": "  "}, "name", "此项为必填项"},
			{"name required en", "en", map[string]any{"parent_id": f.school.ID}, "name", "This field is required"},
			{"bad location", "en", map[string]any{"parent_id": f.school.ID, "name": "x", "location": "moon"}, "location", "Invalid format"},
			{"unknown parent", "en", map[string]any{"parent_id": 987654, "name": "x"}, "parent_id", "No such institution"},
			{"negative parent", "zh-CN", map[string]any{"parent_id": -1, "name": "x"}, "parent_id", "找不到该机构"},
			{"parent as string", "en", `{"parent_id": "1", "name": "x"}`, "parent_id", "Must be an integer"},
			{"name as number", "zh-CN", `{"name": 42}`, "name", "应为字符串"},
			{"root without level", "en", map[string]any{"name": "x"}, "level", "Invalid format"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := f.call(request{method: "POST", path: "/api/v1/institutions", as: "admin", body: tt.body,
					header: map[string]string{"Accept-Language": tt.lang}})
				wantField(t, r, 400, tt.field, tt.text)
			})
		}
	})
}
