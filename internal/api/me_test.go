package api

import (
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func TestShowMe(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		r := f.get("zhangwei", "/api/v1/me").want(t, 200)
		me := decode[map[string]any](t, r)
		if me["username"] != "zhangwei" || me["email"] != "zhangwei@example.cn" || me["role"] != "teacher" {
			t.Errorf("me = %v", me)
		}
		if me["institution_id"] != float64(f.school.ID) || me["personal_space_id"] == float64(0) {
			t.Errorf("me institution/space = %v / %v", me["institution_id"], me["personal_space_id"])
		}
		for _, secret := range []string{"password", "hash", "$argon2id$", f.token["zhangwei"]} {
			if strings.Contains(string(r.body), secret) {
				t.Errorf("/me exposes %q: %s", secret, r.body)
			}
		}
		// A platform admin has no institution: null, not 0.
		r = f.get("admin", "/api/v1/me").want(t, 200)
		if v, ok := decode[map[string]any](t, r)["institution_id"]; !ok || v != nil {
			t.Errorf("admin institution_id = %v (present %v), want null", v, ok)
		}
	})
}

func TestUpdateMe(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		r := f.patch("zhangwei", "/api/v1/me", map[string]any{"display_name": "张老师", "bio": "热爱数学", "subjects": []string{"math", "physics"}}).want(t, 200)
		me := decode[meDTO](t, r)
		if me.DisplayName != "张老师" || me.Bio != "热爱数学" || len(me.Subjects) != 2 {
			t.Errorf("after update: %+v", me)
		}
		if me.YearsOfTeaching == nil || *me.YearsOfTeaching != 5 || me.Email != "zhangwei@example.cn" {
			t.Errorf("absent fields changed: years %v, email %q", me.YearsOfTeaching, me.Email)
		}
		// null clears years_of_teaching; the change is stored.
		f.patch("zhangwei", "/api/v1/me", `{"years_of_teaching": null}`).want(t, 200)
		me = decode[meDTO](t, f.get("zhangwei", "/api/v1/me").want(t, 200))
		if me.YearsOfTeaching != nil || me.DisplayName != "张老师" {
			t.Errorf("after clearing years: %+v", me)
		}
		f.patch("zhangwei", "/api/v1/me", `{"years_of_teaching": 12}`).want(t, 200)
		if me = decode[meDTO](t, f.get("zhangwei", "/api/v1/me")); me.YearsOfTeaching == nil || *me.YearsOfTeaching != 12 {
			t.Errorf("years = %v, want 12", me.YearsOfTeaching)
		}
	})
}

func TestUpdateMeFieldErrors(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		long := strings.Repeat("长", 65)
		tests := []struct {
			name, body, lang, field, text string
		}{
			{"years out of range zh", `{"years_of_teaching": 99}`, "zh-CN", "years_of_teaching", "请输入 0 到 60 之间的数值"},
			{"years out of range en", `{"years_of_teaching": -1}`, "en", "years_of_teaching", "Enter a number from 0 to 60"},
			{"name too long zh", `{"display_name": "` + long + `"}`, "zh-CN", "display_name", "不能超过 64 个字符"},
			{"name too long en", `{"display_name": "` + long + `"}`, "en", "display_name", "Must be at most 64 characters"},
			{"unknown subject", `{"subjects": ["alchemy"]}`, "en", "subjects", "Invalid format"},
			{"bad email", `{"email": "not an address"}`, "en", "email", ""},
			{"years as string zh", `{"years_of_teaching": "ten"}`, "zh-CN", "years_of_teaching", "应为整数"},
			{"years as fraction en", `{"years_of_teaching": 1.5}`, "en", "years_of_teaching", "Must be an integer"},
			{"subjects as string", `{"subjects": "math"}`, "en", "subjects", "Must be an array"},
			{"subject as number", `{"subjects": [1]}`, "en", "subjects", "Must be a string"},
			{"bio as object", `{"bio": {}}`, "zh-CN", "bio", "应为字符串"},
			{"unknown field zh", `{"password_hash": "x"}`, "zh-CN", "password_hash", "不支持此字段"},
			{"unknown field en", `{"staff_no": "x"}`, "en", "staff_no", "Unknown field"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := f.call(request{method: "PATCH", path: "/api/v1/me", as: "zhangwei", body: tt.body,
					header: map[string]string{"Accept-Language": tt.lang}})
				wantField(t, r, 400, tt.field, tt.text)
				e := apiErr(t, r)
				if e.Code != "invalid" {
					t.Errorf("code %q, want invalid", e.Code)
				}
				want := map[string]string{"zh-CN": "提交的内容有误", "en": "Some fields need attention"}[tt.lang]
				if !strings.Contains(e.Message, want) {
					t.Errorf("message %q, want %q", e.Message, want)
				}
			})
		}
		// Nothing was written.
		me := decode[meDTO](t, f.get("zhangwei", "/api/v1/me"))
		if me.DisplayName != "张伟" || me.YearsOfTeaching == nil || *me.YearsOfTeaching != 5 || len(me.Subjects) != 1 {
			t.Errorf("a rejected update changed the profile: %+v", me)
		}
	})
}
