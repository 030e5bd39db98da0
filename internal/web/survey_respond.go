package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Answering a questionnaire. The whole form is one page; show-if logic is
// applied by the server (the "update" button re-renders the form with the
// items the answers make visible) and, when JavaScript runs, at once by
// survey.js from the data-show-if attributes. Hidden items' answers are
// dropped when saving or submitting.
//
// An anonymous questionnaire's draft is kept under a token in a cookie
// scoped to the questionnaire's path: the server stores only a hash of it
// mixed with the person's ID, so it cannot find the draft without the
// browser that saved it (see the service).

// surveyDraftCookie names the cookie holding an anonymous draft's token.
func surveyDraftCookie(id int64) string { return "yx_sv" + strconv.FormatInt(id, 10) }

// surveyRespondView is the answering form (and the managers' preview).
type surveyRespondView struct {
	*Page
	*service.RespondView
	Preview bool
	Action  string
	Numbers map[string]int
}

func (s *Server) surveyRespondViewOf(r *http.Request, rv *service.RespondView) *surveyRespondView {
	v := &surveyRespondView{Page: s.page(r, "survey.respond.title", "title", rv.Survey.Title), RespondView: rv,
		Action: service.SurveyRespondURL(rv.Survey.ID), Numbers: map[string]int{}}
	for i, it := range rv.Survey.Definition.Items() {
		v.Numbers[it.ID] = i + 1
	}
	return v
}

// ItemText is an item's text in the page's language.
func (v *surveyRespondView) ItemText(it survey.Item) string { return it.Label(v.Lang) }

// SectionTitle is a section's title in the page's language.
func (v *surveyRespondView) SectionTitle(sec survey.Section) string { return sec.Label(v.Lang) }

// OptionText is an option's label in the page's language.
func (v *surveyRespondView) OptionText(o survey.Option) string { return o.Text(v.Lang) }

// RowText is a matrix row's label in the page's language.
func (v *surveyRespondView) RowText(r survey.Row) string { return r.Text(v.Lang) }

// Field names an item's input.
func (v *surveyRespondView) Field(itemID string, sub ...string) string {
	return surveyAnswerField(itemID, sub...)
}

// Checked reports whether a code is chosen for an item.
func (v *surveyRespondView) Checked(itemID string, code int) bool {
	return v.Answers[itemID].Selected(code)
}

// RowChecked reports whether a code is chosen in a matrix row.
func (v *surveyRespondView) RowChecked(itemID, rowID string, code int) bool {
	return v.Answers[itemID].Rows[rowID] == code
}

// Number is a number answer as typed.
func (v *surveyRespondView) Number(itemID string) string { return v.Answers[itemID].Number }

// Text is an open answer or an "other" specification.
func (v *surveyRespondView) Text(itemID string) string { return v.Answers[itemID].Text }

// Hidden reports whether an item is hidden by its condition.
func (v *surveyRespondView) Hidden(itemID string) bool { return !v.Visible[itemID] }

// ShowIfValues lists a condition's codes for survey.js ("1 2").
func (v *surveyRespondView) ShowIfValues(c *survey.Condition) string {
	parts := make([]string, len(c.Values))
	for i, n := range c.Values {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, " ")
}

// ItemError is the translated error of an item.
func (v *surveyRespondView) ItemError(itemID string) string { return v.Errors[itemID] }

// OtherCode is the code of "other, please specify".
func (v *surveyRespondView) OtherCode() int { return survey.OtherCode }

// Accepting reports whether the form can be saved or submitted now.
func (v *surveyRespondView) Accepting() bool { return v.Phase == survey.PhaseOpen }

func surveyLinkParam(r *http.Request) string {
	l := r.URL.Query().Get("link")
	if r.Method == http.MethodPost {
		l = r.PostFormValue("link")
	}
	return clip(l, 100)
}

func surveyRespondLink(id int64, link string) string {
	u := service.SurveyRespondURL(id)
	if link != "" {
		u += "?link=" + url.QueryEscape(link)
	}
	return u
}

func (s *Server) surveyDraftToken(r *http.Request, id int64) string {
	if c, err := r.Cookie(surveyDraftCookie(id)); err == nil && len(c.Value) <= 100 {
		return c.Value
	}
	return ""
}

func (s *Server) setSurveyDraftCookie(w http.ResponseWriter, id int64, token string, maxAge int) {
	http.SetCookie(w, &http.Cookie{Name: surveyDraftCookie(id), Value: token, Path: service.SurveyURL(id), MaxAge: maxAge,
		HttpOnly: true, Secure: s.secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) showSurveyForm(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	rv, err := s.svc.SurveyForRespondent(r.Context(), u, id, surveyLinkParam(r), s.surveyDraftToken(r, id))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.surveyRespondViewOf(r, rv)
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "survey_respond", v)
}

func (s *Server) respondToSurvey(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	link, token := surveyLinkParam(r), s.surveyDraftToken(r, id)
	rv, err := s.svc.SurveyForRespondent(ctx, u, id, link, token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	answers := parseSurveyAnswers(r, rv.Survey.Definition)
	switch r.PostFormValue("action") {
	case "save":
		var newToken string
		if newToken, err = s.svc.SaveSurveyDraft(ctx, u, id, link, token, answers); err == nil {
			if rv.Survey.Anonymous && newToken != token {
				s.setSurveyDraftCookie(w, id, newToken, 60*24*3600)
			}
			s.flash(w, "survey.flash.draft_saved")
			http.Redirect(w, r, surveyRespondLink(id, link), http.StatusSeeOther)
			return
		}
	case "submit":
		if err = s.svc.SubmitSurveyResponse(ctx, u, id, link, token, answers); err == nil {
			if token != "" {
				s.setSurveyDraftCookie(w, id, "", -1)
			}
			s.flash(w, "survey.flash.submitted")
			http.Redirect(w, r, surveyRespondLink(id, link), http.StatusSeeOther)
			return
		}
	}
	// "update", or a refusal: show the form again with what was typed.
	rv.Answers = answers
	rv.Visible = survey.Visible(rv.Survey.Definition, answers)
	v := s.surveyRespondViewOf(r, rv)
	status := http.StatusOK
	if err != nil {
		var ok bool
		if status, ok = formErrors(v.Page, err); !ok || apperr.Is(err, apperr.Conflict) && len(v.Errors) == 0 {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, status, "survey_respond", v)
}

// openSurveyLink resolves a questionnaire link and opens its form.
func (s *Server) openSurveyLink(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	token := clip(r.PathValue("token"), 100)
	sv, err := s.svc.SurveyByLink(r.Context(), u, token)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, surveyRespondLink(sv.ID, token), http.StatusSeeOther)
}
