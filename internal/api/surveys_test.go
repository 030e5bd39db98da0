package api

import (
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/yanxiu/yanxiu/internal/store"
	"github.com/yanxiu/yanxiu/internal/survey"
	"github.com/yanxiu/yanxiu/internal/testkit"
)

// openSurvey has xiaozhang (a school administrator) start a questionnaire
// from a template, distribute it to 第一中学 (with its group) and open it.
func (f *fixture) openSurvey(t *testing.T, tpl string, anonymous bool) *survey.Survey {
	t.Helper()
	ctx := t.Context()
	sv, err := f.svc.CreateSurvey(ctx, f.schoolAdmin, survey.Settings{Anonymous: anonymous}, tpl, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.DistributeSurvey(ctx, f.schoolAdmin, sv.ID, survey.TargetInstitution, f.school.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.svc.SetSurveyStatus(ctx, f.schoolAdmin, sv.ID, survey.Open); err != nil {
		t.Fatal(err)
	}
	return sv
}

// fullAnswers answers every item of a definition (the body's shape).
func fullAnswers(d *survey.Definition, k int) map[string]any {
	out := map[string]any{}
	for _, it := range d.Items() {
		switch it.Kind {
		case survey.Single, survey.Demographic, survey.Likert:
			out[it.ID] = map[string]any{"choice": it.Options[k%len(it.Options)].Value}
		case survey.Multiple:
			out[it.ID] = map[string]any{"choices": []int{it.Options[0].Value}}
		case survey.Matrix:
			rows := map[string]int{}
			for _, r := range it.Rows {
				rows[r.ID] = it.Options[k%len(it.Options)].Value
			}
			out[it.ID] = map[string]any{"rows": rows}
		case survey.Number:
			out[it.ID] = map[string]any{"number": strconv.Itoa(k + 3)}
		case survey.Text:
			out[it.ID] = map[string]any{"text": "建议"}
		}
	}
	return out
}

// exerciseSurveys calls every questionnaire route once successfully.
func (f *fixture) exerciseSurveys(t *testing.T) {
	t.Helper()
	sv := f.openSurvey(t, survey.TemplateTraining, false)
	base := fmt.Sprintf("/api/v1/surveys/%d", sv.ID)
	todo := decode[list[surveyDTO]](t, f.get("zhangwei", "/api/v1/surveys").want(t, 200))
	if todo.Total != 1 || todo.Items[0].Answered == nil || *todo.Items[0].Answered || todo.Items[0].ResponseCount != nil {
		t.Fatalf("surveys to answer %+v", todo)
	}
	d := decode[surveyDetailDTO](t, f.get("zhangwei", base).want(t, 200))
	if len(d.Sections) == 0 || d.Viewer.Manages || !d.Viewer.Accepting || d.Sections[0].Items[0].Variable != "Q1" {
		t.Fatalf("survey for a respondent %+v", d)
	}
	f.post("zhangwei", base+"/responses", map[string]any{"answers": fullAnswers(sv.Definition, 1)}).want(t, 201)
	f.post("lina", base+"/responses", map[string]any{"answers": fullAnswers(sv.Definition, 2)}).want(t, 201)
	managed := decode[list[surveyDTO]](t, f.get("xiaozhang", "/api/v1/surveys?role=manager").want(t, 200))
	if managed.Total != 1 || managed.Items[0].ResponseCount == nil || *managed.Items[0].ResponseCount != 2 {
		t.Fatalf("managed surveys %+v", managed)
	}
	if d := decode[surveyDetailDTO](t, f.get("xiaozhang", base).want(t, 200)); !d.Viewer.Manages {
		t.Fatalf("manager's view %+v", d.Viewer)
	}
	res := decode[surveyResultsDTO](t, f.get("xiaozhang", base+"/results?group=Q1").want(t, 200))
	if res.N != 2 || res.Group == nil || len(res.Dimensions) != 1 || res.Dimensions[0].Comparison == nil {
		t.Fatalf("results %+v", res)
	}
	if rt := res.Dimensions[0].Comparison.RankTest; rt == nil || (rt.Test == nil && rt.Reason == nil) || len(res.Correlations) != 0 {
		t.Fatalf("rank test %+v, correlations %+v", rt, res.Correlations)
	}
	// The differential analysis: every dimension by each variable asked.
	res = decode[surveyResultsDTO](t, f.get("xiaozhang", base+"/results?compare=Q1").want(t, 200))
	if len(res.Differences) != 1 || res.Differences[0].Variable != "Q1" || res.Differences[0].Withheld ||
		len(res.Differences[0].Dimensions) != 1 || res.Differences[0].Dimensions[0].Key != res.Dimensions[0].Key ||
		res.Differences[0].Dimensions[0].Comparison == nil || res.Group != nil {
		t.Fatalf("differences %+v", res.Differences)
	}
	f.get("xiaozhang", base+"/results?compare=Q1&compare=Q1").want(t, 400)
	f.get("xiaozhang", base+"/results?compare=nope").want(t, 400)
	// Creating from a template, then opening and closing.
	made := decode[surveyDetailDTO](t, f.post("xiaozhang", "/api/v1/surveys", map[string]any{"template": survey.TemplateCommunity,
		"title": "共同体问卷", "anonymous": true}).want(t, 201))
	if made.Status != "draft" || made.Title != "共同体问卷" || !made.Anonymous || len(made.Sections) < 4 || !made.Viewer.Manages {
		t.Fatalf("created from a template: %+v", made)
	}
	status := fmt.Sprintf("/api/v1/surveys/%d/status", made.ID)
	if got := decode[surveyDTO](t, f.post("xiaozhang", status, map[string]any{"status": "open"}).want(t, 200)); got.Status != "open" {
		t.Fatalf("after opening: %+v", got)
	}
	if got := decode[surveyDTO](t, f.post("xiaozhang", status, map[string]any{"status": "closed"}).want(t, 200)); got.Status != "closed" {
		t.Fatalf("after closing: %+v", got)
	}
}

// TestSurveyCreateAndStatusRules: teachers cannot create; templates and
// statuses are checked; only managers change the status, and only along
// the allowed transitions.
func TestSurveyCreateAndStatusRules(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		f.post("zhangwei", "/api/v1/surveys", map[string]any{"title": "x"}).want(t, 403)
		f.post("xiaozhang", "/api/v1/surveys", map[string]any{"template": "no-such"}).want(t, 400)
		f.post("xiaozhang", "/api/v1/surveys", map[string]any{"template": strings.Repeat("x", 100)}).want(t, 400)
		f.post("xiaozhang", "/api/v1/surveys", map[string]any{"title": ""}).want(t, 400)
		f.post("xiaozhang", "/api/v1/surveys", map[string]any{"title": "x", "extra": 1}).want(t, 400)
		blank := decode[surveyDetailDTO](t, f.post("xiaozhang", "/api/v1/surveys", map[string]any{"title": "空白问卷"}).want(t, 201))
		status := fmt.Sprintf("/api/v1/surveys/%d/status", blank.ID)
		// A blank questionnaire has no questions to open with; a draft cannot be closed.
		f.post("xiaozhang", status, map[string]any{"status": "open"}).want(t, 409)
		f.post("xiaozhang", status, map[string]any{"status": "closed"}).want(t, 409)
		f.post("xiaozhang", status, map[string]any{"status": "archived"}).want(t, 400)
		sv := decode[surveyDetailDTO](t, f.post("xiaozhang", "/api/v1/surveys", map[string]any{"template": survey.TemplateTraining}).want(t, 201))
		if sv.Title == "" {
			t.Fatal("a template gives the title")
		}
		status = fmt.Sprintf("/api/v1/surveys/%d/status", sv.ID)
		f.post("zhangwei", status, map[string]any{"status": "open"}).want(t, 404)
		f.post("xiaozhang", status, map[string]any{"status": "open"}).want(t, 200)
		f.post("xiaozhang", status, map[string]any{"status": "open"}).want(t, 409)
		f.post("xiaozhang", "/api/v1/surveys/99999/status", map[string]any{"status": "open"}).want(t, 404)
	})
}

func TestSurveyAPIRules(t *testing.T) {
	testkit.ForEachDB(t, func(t *testing.T, db *store.DB) {
		f := newFixture(t, db)
		sv := f.openSurvey(t, survey.TemplateCommunity, true)
		base := fmt.Sprintf("/api/v1/surveys/%d", sv.ID)
		// Not distributed to chenjing; unknown and junk IDs.
		f.get("chenjing", base).want(t, 403)
		f.post("chenjing", base+"/responses", map[string]any{"answers": fullAnswers(sv.Definition, 0)}).want(t, 403)
		f.get("zhangwei", "/api/v1/surveys/99999").want(t, 404)
		f.get("zhangwei", "/api/v1/surveys/abc").want(t, 400)
		f.get("zhangwei", "/api/v1/surveys?role=boss").want(t, 400)
		// Validation: keyed by item, junk types refused, unknown fields refused.
		first := sv.Definition.Items()[0].ID
		bad := fullAnswers(sv.Definition, 0)
		bad[first] = map[string]any{"choice": 42}
		delete(bad, sv.Definition.Items()[1].ID)
		r := f.post("zhangwei", base+"/responses", map[string]any{"answers": bad}).want(t, 400)
		var env errorEnvelope
		if err := json.Unmarshal(r.body, &env); err != nil || env.Error.Fields[first] == "" || env.Error.Fields[sv.Definition.Items()[1].ID] == "" {
			t.Fatalf("field errors %s", r.body)
		}
		f.post("zhangwei", base+"/responses", `{"answers": {"q2": {"choice": "one"}}}`).want(t, 400)
		f.post("zhangwei", base+"/responses", `{"answers": {}, "extra": 1}`).want(t, 400)
		// One response per person; the detail says so.
		f.post("zhangwei", base+"/responses", map[string]any{"answers": fullAnswers(sv.Definition, 0)}).want(t, 201)
		f.post("zhangwei", base+"/responses", map[string]any{"answers": fullAnswers(sv.Definition, 1)}).want(t, 409)
		if d := decode[surveyDetailDTO](t, f.get("zhangwei", base).want(t, 200)); !d.Viewer.Answered || d.Viewer.Accepting || !d.Anonymous {
			t.Fatalf("answered view %+v", d.Viewer)
		}
		// Results are the managers'; bad queries are 400.
		f.get("zhangwei", base+"/results").want(t, 404)
		f.get("xiaozhang", base+"/results?group=nope").want(t, 400)
		f.get("xiaozhang", base+"/results?f.Q1=x").want(t, 400)
		// The questionnaire is anonymous: a subset of one is withheld, with the reason.
		res := decode[surveyResultsDTO](t, f.get("xiaozhang", base+"/results?f.Q1=1&f.Q1=2").want(t, 200))
		if res.N != 1 || len(res.Items) != 0 || len(res.Dimensions) != 0 || res.Withheld == nil ||
			res.Withheld.Code != "survey.results.withheld_subset" || !strings.Contains(res.Withheld.Message, "5") {
			t.Fatalf("anonymous subset of one %+v", res)
		}
		res = decode[surveyResultsDTO](t, f.get("xiaozhang", base+"/results").want(t, 200))
		if res.Submitted != 1 || len(res.Dimensions) != 6 || res.Dimensions[0].AlphaReason == nil || res.Withheld != nil {
			t.Fatalf("results of one response %+v", res)
		}
		// A group of one is too small to compare anonymously.
		if res := decode[surveyResultsDTO](t, f.get("xiaozhang", base+"/results?compare=Q1").want(t, 200)); len(res.Differences) != 1 ||
			!res.Differences[0].Withheld || len(res.Differences[0].Dimensions) != 0 {
			t.Fatalf("anonymous differences %+v", res.Differences)
		}
		// Six dimensions make fifteen pairs, none computable from one response.
		if c := res.Correlations; len(c) != 15 || c[0].A != res.Dimensions[0].Key || c[0].B != res.Dimensions[1].Key ||
			c[0].Reason == nil || c[0].N != nil || c[0].Pearson != nil {
			t.Fatalf("correlations of one response %+v", c)
		}
		// Closed: refused.
		if err := f.svc.SetSurveyStatus(t.Context(), f.schoolAdmin, sv.ID, survey.Closed); err != nil {
			t.Fatal(err)
		}
		f.post("lina", base+"/responses", map[string]any{"answers": fullAnswers(sv.Definition, 0)}).want(t, 409)
	})
}

// junkSurveys gives the malformed-input test an open questionnaire that
// the callers it uses may answer and xiaozhang manages.
func (f *fixture) junkSurveys(t *testing.T) map[string]string {
	t.Helper()
	sv := f.openSurvey(t, survey.TemplateNeeds, false)
	return map[string]string{"surveys": fmt.Sprint(sv.ID)}
}
