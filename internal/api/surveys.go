package api

import (
	"net/http"
	"strings"

	"github.com/yanxiu/yanxiu/internal/account"
	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/stats"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Questionnaires: listing those to answer or to manage, reading one with
// its questions, creating one (blank or from a template), opening and
// closing it, submitting a response, and the results summary. Building the
// questions, distributing and exporting are done on the web pages. The service
// decides every permission; a questionnaire the caller may neither manage
// nor answer is not found (or forbidden when it exists but was not
// distributed to them).

// listSurveys answers GET /surveys: role=respondent (default) lists the
// open questionnaires distributed to the caller with whether they answered;
// role=manager those the caller owns or administers.
func (a *API) listSurveys(w http.ResponseWriter, r *http.Request, me *account.User) {
	q := newQuery(r)
	role := q.str("role", 16)
	if role != "" && role != "respondent" && role != "manager" {
		q.f.Add("role", "form.invalid_choice")
	}
	limit, offset := q.page()
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	var items []service.SurveyListItem
	var total int
	var err error
	if role == "manager" {
		items, total, err = a.svc.SurveysToManage(r.Context(), me, limit, offset)
	} else {
		items, total, err = a.svc.SurveysToAnswer(r.Context(), me, limit, offset)
	}
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	now := a.svc.Now()
	a.writeJSON(w, http.StatusOK, newList(items, total, func(it service.SurveyListItem) surveyDTO {
		if role == "manager" {
			return newSurvey(it.Survey, now, true, nil)
		}
		answered := it.Answered
		return newSurvey(it.Survey, now, false, &answered)
	}))
}

// showSurvey answers GET /surveys/{id}: the questionnaire with its
// questions, to its managers and to those it was distributed to (link
// holders pass the link's token as ?link=). Respondents also get their
// draft or the answers their profile prefills.
func (a *API) showSurvey(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	q := newQuery(r)
	link := q.str("link", 100)
	if err := q.err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	now := a.svc.Now()
	if sp, err := a.svc.ManagedSurvey(ctx, me, id); err == nil {
		d := newSurveyDetail(sp.Survey, now, true, nil)
		d.Viewer = surveyViewerDTO{Manages: true, Accepting: sp.Survey.Accepting(now), Answers: map[string]surveyAnswerDTO{}}
		a.writeJSON(w, http.StatusOK, d)
		return
	} else if !apperr.Is(err, apperr.NotFound) {
		a.writeError(w, r, err)
		return
	}
	rv, err := a.svc.SurveyForRespondent(ctx, me, id, link, "")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	answered := rv.Answered
	d := newSurveyDetail(rv.Survey, now, false, &answered)
	d.Viewer = surveyViewerDTO{Answered: rv.Answered, HasDraft: rv.HasDraft, Accepting: rv.Survey.Accepting(now) && !rv.Answered,
		Answers: newAnswers(rv.Answers)}
	a.writeJSON(w, http.StatusOK, d)
}

// submitSurveyResponse answers POST /surveys/{id}/responses: the caller's
// final answers, once. Field errors are keyed by item ID.
func (a *API) submitSurveyResponse(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body surveyResponseCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	if len(body.Answers) > survey.MaxItems {
		f := apperr.Fields{}
		f.Add("answers", "survey.error.response_too_large")
		a.writeError(w, r, f.Err())
		return
	}
	if err := a.svc.SubmitSurveyResponse(r.Context(), me, id, strings.TrimSpace(body.Link), "", body.answers()); err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusCreated, surveySubmittedDTO{SurveyID: id, Status: string(survey.ResponseSubmitted)})
}

// showSurveyResults answers GET /surveys/{id}/results: counts, response
// rates, dimension scores with reliability, and item frequencies, for
// managers; group=VARIABLE compares groups, compare=VARIABLE (repeatable)
// compares every dimension score by each variable, and f.VARIABLE=CODE
// (repeatable) keeps a subset, as on the results page.
func (a *API) showSurveyResults(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	l := lang(r)
	q := service.ResultsQuery{Filters: map[string][]int{}, Lang: l}
	f := apperr.Fields{}
	for key, vals := range r.URL.Query() {
		switch name, isFilter := strings.CutPrefix(key, "f."); {
		case key == "group":
			q.GroupBy = vals[0]
		case key == "compare":
			q.CompareBy = vals
		case isFilter && name != "":
			for _, v := range vals {
				n, ok := smallInt(v)
				if !ok {
					f.Add(key, "form.invalid_number")
					break
				}
				q.Filters[name] = append(q.Filters[name], n)
			}
		}
	}
	if err := f.Err(); err != nil {
		a.writeError(w, r, err)
		return
	}
	res, err := a.svc.SurveyResults(r.Context(), me, id, q)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	reason := func(e *stats.Error) *surveyReasonDTO {
		if e == nil {
			return nil
		}
		return &surveyReasonDTO{Code: e.Code, Message: a.cat.T(l, e.Code, paramPairs(e.Params)...)}
	}
	out := newSurveyResults(res, reason)
	if res.Withheld != "" {
		out.Withheld = &surveyReasonDTO{Code: res.Withheld, Message: a.cat.T(l, res.Withheld, "min", survey.MinAnonymousGroup)}
	}
	a.writeJSON(w, http.StatusOK, out)
}

// smallInt parses an option code.
func smallInt(s string) (int, bool) {
	n := 0
	if s == "" || len(s) > 4 {
		return 0, false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// paramPairs turns stats' placeholder values into Catalog.T's pairs.
func paramPairs(p map[string]string) []any {
	m := make(map[string]any, len(p))
	for k, v := range p {
		m[k] = v
	}
	return pairs(m)
}

// createSurvey answers POST /surveys: a draft questionnaire, blank or from
// a template of the library (its questions, dimensions and title, which
// the body's title replaces when given). Building the questions further is
// done on the web pages; the service decides who may create.
func (a *API) createSurvey(w http.ResponseWriter, r *http.Request, me *account.User) {
	var body surveyCreate
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	if len(body.Template) > 40 {
		f := apperr.Fields{}
		f.Add("template", "form.invalid_choice")
		a.writeError(w, r, f.Err())
		return
	}
	sv, err := a.svc.CreateSurvey(r.Context(), me, survey.Settings{Title: body.Title, Description: body.Description,
		Anonymous: body.Anonymous}, strings.TrimSpace(body.Template), "")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	now := a.svc.Now()
	d := newSurveyDetail(sv, now, true, nil)
	d.Viewer = surveyViewerDTO{Manages: true, Accepting: sv.Accepting(now), Answers: map[string]surveyAnswerDTO{}}
	a.writeJSON(w, http.StatusCreated, d)
}

// setSurveyStatus answers POST /surveys/{id}/status: open (publish, or
// reopen) or close a questionnaire, as its managers do on the overview page.
func (a *API) setSurveyStatus(w http.ResponseWriter, r *http.Request, me *account.User) {
	id, err := pathID(r, "id")
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	var body surveyStatusChange
	if err := a.decodeBody(w, r, &body); err != nil {
		a.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	if err := a.svc.SetSurveyStatus(ctx, me, id, survey.Status(body.Status)); err != nil {
		a.writeError(w, r, err)
		return
	}
	sp, err := a.svc.ManagedSurvey(ctx, me, id)
	if err != nil {
		a.writeError(w, r, err)
		return
	}
	a.writeJSON(w, http.StatusOK, newSurvey(sp.Survey, a.svc.Now(), true, nil))
}
