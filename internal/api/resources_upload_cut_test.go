package api

import (
	"bytes"
	"net/http"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// A client that drops mid-upload sends a body cut off inside the file: that
// is a bad request (400), not a server error, as on the web form.
func TestUploadCutOffIsBadRequest(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		data := bytes.Repeat(testkit.PDF("分数"), 50)
		body, ct := multipartBody(t, [][2]string{{"title", "中断的上传"}, {"visibility", "public"}}, "a.pdf", data)
		for _, cut := range []int{len(body) - 200, len(body) / 2} {
			f.call(request{method: http.MethodPost, path: "/api/v1/resources/files", as: "zhangwei", body: body[:cut],
				header: map[string]string{"Content-Type": ct}}).want(t, 400)
		}
		// Nothing half-stored is listed.
		l := decode[resourceListDTO](t, f.get("zhangwei", "/api/v1/resources?q=%E4%B8%AD%E6%96%AD").want(t, 200))
		if len(l.Items) != 0 {
			t.Errorf("a cut-off upload was stored: %+v", l.Items)
		}
	})
}
