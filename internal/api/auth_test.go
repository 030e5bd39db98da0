package api

import (
	"net/http"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

func TestBearerAuthentication(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tests := []struct {
			name      string
			header    map[string]string
			status    int
			wantError string // the error="..." part of the challenge, "" for none
			wantMsgZH string
		}{
			{"no header", nil, 401, "", "需要访问令牌"},
			{"empty bearer", map[string]string{"Authorization": "Bearer "}, 401, "", "需要访问令牌"},
			{"basic scheme", map[string]string{"Authorization": "Basic " + f.token["zhangwei"]}, 401, "", "需要访问令牌"},
			{"unknown token", map[string]string{"Authorization": "Bearer yx_nosuchtoken"}, 401, "invalid_token", "访问令牌无效"},
			{"not a yanxiu token", map[string]string{"Authorization": "Bearer abc.def.ghi"}, 401, "invalid_token", "访问令牌无效"},
			{"over-long token", map[string]string{"Authorization": "Bearer yx_" + strings.Repeat("a", 5000)}, 401, "invalid_token", "访问令牌无效"},
			{"valid", map[string]string{"Authorization": "Bearer " + f.token["zhangwei"]}, 200, "", ""},
			{"scheme is case-insensitive", map[string]string{"Authorization": "bearer " + f.token["zhangwei"]}, 200, "", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := f.call(request{method: http.MethodGet, path: "/api/v1/me", header: tt.header}).want(t, tt.status)
				if tt.status != 401 {
					return
				}
				ch := r.header.Get("WWW-Authenticate")
				if !strings.HasPrefix(ch, "Bearer") {
					t.Errorf("WWW-Authenticate = %q, want a Bearer challenge", ch)
				}
				if tt.wantError != "" && !strings.Contains(ch, `error="`+tt.wantError+`"`) {
					t.Errorf("WWW-Authenticate = %q, want error=%q", ch, tt.wantError)
				}
				e := apiErr(t, r)
				if e.Code != "unauthorized" || !strings.Contains(e.Message, tt.wantMsgZH) {
					t.Errorf("error = %+v, want unauthorized saying %q", e, tt.wantMsgZH)
				}
			})
		}
	})
}

func TestErrorLanguageFollowsAcceptLanguage(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		tests := []struct{ accept, lang, text string }{
			{"", "zh-CN", "需要访问令牌"},
			{"en-GB,en;q=0.9", "en", "An access token is required"},
			{"zh-CN,zh;q=0.9,en;q=0.5", "zh-CN", "需要访问令牌"},
			{"fr-FR", "zh-CN", "需要访问令牌"},
		}
		for _, tt := range tests {
			r := f.call(request{method: http.MethodGet, path: "/api/v1/me", header: map[string]string{"Accept-Language": tt.accept}}).want(t, 401)
			if got := r.header.Get("Content-Language"); got != tt.lang {
				t.Errorf("Accept-Language %q: Content-Language %q, want %q", tt.accept, got, tt.lang)
			}
			if e := apiErr(t, r); !strings.Contains(e.Message, tt.text) {
				t.Errorf("Accept-Language %q: message %q, want %q", tt.accept, e.Message, tt.text)
			}
		}
	})
}

func TestUnknownRoutesAnswerInJSON(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		r := f.get("zhangwei", "/api/v1/nothing/here").want(t, 404)
		if e := apiErr(t, r); e.Code != "not_found" {
			t.Errorf("unknown path: %+v", e)
		}
		r = f.call(request{method: http.MethodPut, path: "/api/v1/me", as: "zhangwei", body: "{}"}).want(t, 405)
		if allow := r.header.Values("Allow"); strings.Join(allow, ",") != "GET,PATCH" {
			t.Errorf("Allow = %v, want GET and PATCH", allow)
		}
		r = f.del("zhangwei", "/api/v1/institutions/1").want(t, 405)
		if allow := r.header.Values("Allow"); strings.Join(allow, ",") != "GET" {
			t.Errorf("Allow = %v, want GET", allow)
		}
	})
}
