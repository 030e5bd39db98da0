package web_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// TestSurveyDistributionToTheSubtree: a district administrator's
// distribution form lists the groups inside its schools, indented under
// their school, and distributing to one works.
func TestSurveyDistributionToTheSubtree(t *testing.T) {
	w := newCommunityWorld(t, testkit.Engines()[0])
	ctx := context.Background()
	svc := w.srv.App.Service
	group, err := svc.CreateInstitution(ctx, nil, w.school.ID, service.InstitutionInput{Name: "数学教研组", Level: space.Group})
	if err != nil {
		t.Fatal(err)
	}
	da, err := svc.CreateUser(ctx, nil, service.NewUser{Username: "districtadm", Password: pw, Role: account.DistrictAdmin,
		InstitutionID: w.district.ID, Profile: service.Profile{DisplayName: "区教研员"}})
	if err != nil {
		t.Fatal(err)
	}
	admin := w.as(t, da)
	base := w.srv.URL
	code, body, loc := admin.post(t, base, "/surveys", url.Values{"template": {"community"}})
	m := surveyEditLoc.FindStringSubmatch(loc)
	if code != http.StatusSeeOther || m == nil {
		t.Fatalf("create: %d %s", code, body)
	}
	sid := m[1]
	checkPages(t, base, []pageCase{{"distribution form", admin.c, "/surveys/" + sid + "/distribute", 200, []string{
		`<option value="` + itoa(w.district.ID) + `">青湖区</option>`,
		`<option value="` + itoa(w.school.ID) + `">` + "\u3000" + `青湖区实验小学</option>`,
		`<option value="` + itoa(group.ID) + `">` + "\u3000\u3000" + `数学教研组</option>`,
	}, nil}})
	code, body, _ = admin.post(t, base, "/surveys/"+sid+"/distributions", url.Values{"kind": {"institution"}, "institution": {itoa(group.ID)}})
	wantStatus(t, "distribute to a group", code, http.StatusSeeOther, body)
	checkPages(t, base, []pageCase{{"distributions", admin.c, "/surveys/" + sid + "/distribute", 200, []string{"数学教研组"}, nil}})
}
