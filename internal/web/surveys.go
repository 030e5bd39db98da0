package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Questionnaire pages: the list, starting one, its overview with settings
// and lifecycle, duplicating. The builder is in survey_builder.go,
// distribution in survey_distribute.go, answering in survey_respond.go,
// results and exports in survey_results.go. The service decides every
// permission; pages only hide what a viewer could not do anyway.

const surveysPerPage = 20

type surveyListView struct {
	*Page
	ToAnswer  []service.SurveyListItem
	Managed   []service.SurveyListItem
	Total     int
	Pager     pager
	CanCreate bool
	Now       time.Time
}

// Phase is a questionnaire's phase now, for badges.
func (v *surveyListView) Phase(sv *survey.Survey) survey.Phase { return sv.PhaseAt(v.Now) }

func (s *Server) listSurveys(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	ctx := r.Context()
	page := pageParam(r)
	v := surveyListView{Page: s.page(r, "survey.list.title"), CanCreate: service.CanCreateSurveys(u), Now: s.svc.Now()}
	var err error
	if page == 1 {
		if v.ToAnswer, _, err = s.svc.SurveysToAnswer(ctx, u, 50, 0); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	if v.Managed, v.Total, err = s.svc.SurveysToManage(ctx, u, surveysPerPage, (page-1)*surveysPerPage); err != nil {
		s.fail(w, r, err)
		return
	}
	v.Pager = newPager(r, page, surveysPerPage, v.Total)
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "survey_list", &v)
}

type surveyNewView struct {
	*Page
	Templates []survey.Template
	Template  string
	In        surveySettingsForm
}

// TemplateTitle names a template in the page's language.
func (v *surveyNewView) TemplateTitle(t survey.Template) string {
	if v.Lang == "en" {
		return t.TitleEN
	}
	return t.Title
}

// TemplateDescription describes a template in the page's language.
func (v *surveyNewView) TemplateDescription(t survey.Template) string {
	if v.Lang == "en" {
		return t.DescriptionEN
	}
	return t.Description
}

// surveySettingsForm is the settings form as typed.
type surveySettingsForm struct {
	Title, Description string
	Anonymous          bool
	OpensAt, ClosesAt  string
}

func (s *Server) newSurveyForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	if !service.CanCreateSurveys(u) {
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return
	}
	v := surveyNewView{Page: s.page(r, "survey.new.title"), Templates: survey.Templates(), Template: r.URL.Query().Get("template")}
	s.render(w, r, http.StatusOK, "survey_new", &v)
}

func (s *Server) createSurvey(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	in, form, ferr := parseSurveySettings(r)
	tpl := clip(r.PostFormValue("template"), 64)
	p := s.page(r, "survey.new.title")
	var sv *survey.Survey
	err := ferr.Err()
	if err == nil {
		sv, err = s.svc.CreateSurvey(r.Context(), u, in, tpl, p.T("survey.builder.first_section"))
	}
	if err != nil {
		v := surveyNewView{Page: p, Templates: survey.Templates(), Template: tpl, In: form}
		if status, ok := formErrors(p, err); ok {
			s.render(w, r, status, "survey_new", &v)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flash(w, "survey.flash.created")
	http.Redirect(w, r, "/surveys/"+itoa(sv.ID)+"/edit", http.StatusSeeOther)
}

// surveyTimeLayout is what datetime-local inputs send, in Beijing time.
const surveyTimeLayout = "2006-01-02T15:04"

func parseSurveySettings(r *http.Request) (survey.Settings, surveySettingsForm, apperr.Fields) {
	f := apperr.Fields{}
	form := surveySettingsForm{Title: clip(r.PostFormValue("title"), survey.MaxTitle+10),
		Description: clip(r.PostFormValue("description"), survey.MaxDescription+10),
		Anonymous:   r.PostFormValue("anonymous") != "", OpensAt: clip(r.PostFormValue("opens_at"), 20),
		ClosesAt: clip(r.PostFormValue("closes_at"), 20)}
	in := survey.Settings{Title: form.Title, Description: form.Description, Anonymous: form.Anonymous}
	parse := func(field, s string) *time.Time {
		s = strings.TrimSpace(s)
		if s == "" {
			return nil
		}
		t, err := time.ParseInLocation(surveyTimeLayout, s, beijing)
		if err != nil {
			if t, err = time.ParseInLocation(surveyTimeLayout+":05", s, beijing); err != nil {
				f.Add(field, "form.invalid")
				return nil
			}
		}
		t = t.UTC()
		return &t
	}
	in.OpensAt, in.ClosesAt = parse("opens_at", form.OpensAt), parse("closes_at", form.ClosesAt)
	return in, form, f
}

// surveyView is a questionnaire's overview for its managers.
type surveyView struct {
	*Page
	*service.SurveyPage
	Phase  survey.Phase
	In     surveySettingsForm
	Counts surveyCounts
}

type surveyCounts struct {
	Sections, Items, Dimensions int
}

func surveySettingsOf(sv *survey.Survey) surveySettingsForm {
	f := surveySettingsForm{Title: sv.Title, Description: sv.Description, Anonymous: sv.Anonymous}
	if sv.OpensAt != nil {
		f.OpensAt = sv.OpensAt.In(beijing).Format(surveyTimeLayout)
	}
	if sv.ClosesAt != nil {
		f.ClosesAt = sv.ClosesAt.In(beijing).Format(surveyTimeLayout)
	}
	return f
}

func (s *Server) surveyOverview(r *http.Request, sp *service.SurveyPage) surveyView {
	sv := sp.Survey
	return surveyView{Page: s.page(r, "survey.page_title", "title", sv.Title), SurveyPage: sp, Phase: sv.PhaseAt(s.svc.Now()),
		In: surveySettingsOf(sv), Counts: surveyCounts{Sections: len(sv.Definition.Sections), Items: len(sv.Definition.Items()),
			Dimensions: len(sv.Definition.Dimensions)}}
}

// showSurvey is a manager's overview; anyone else goes to the form.
func (s *Server) showSurvey(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	sp, err := s.svc.ManagedSurvey(r.Context(), u, id)
	if apperr.Is(err, apperr.NotFound) {
		http.Redirect(w, r, service.SurveyRespondURL(id), http.StatusSeeOther)
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.surveyOverview(r, sp)
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "survey_show", &v)
}

func (s *Server) updateSurveySettings(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	in, form, ferr := parseSurveySettings(r)
	err := ferr.Err()
	if err == nil {
		_, err = s.svc.UpdateSurveySettings(r.Context(), u, id, in)
	}
	if err != nil {
		sp, lerr := s.svc.ManagedSurvey(r.Context(), u, id)
		if lerr != nil {
			s.fail(w, r, lerr)
			return
		}
		v := s.surveyOverview(r, sp)
		v.In = form
		if status, ok := formErrors(v.Page, err); ok {
			s.render(w, r, status, "survey_show", &v)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flash(w, "survey.flash.saved")
	http.Redirect(w, r, service.SurveyURL(id), http.StatusSeeOther)
}

func (s *Server) setSurveyStatus(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	status := survey.Status(clip(r.PostFormValue("status"), 16))
	if err := s.svc.SetSurveyStatus(r.Context(), u, id, status); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "survey.flash.status_"+string(status))
	http.Redirect(w, r, service.SurveyURL(id), http.StatusSeeOther)
}

func (s *Server) duplicateSurvey(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	sp, err := s.svc.ManagedSurvey(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "")
	title := clip(p.T("survey.copy_title", "title", sp.Survey.Title), survey.MaxTitle)
	cp, err := s.svc.DuplicateSurvey(r.Context(), u, id, title)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "survey.flash.duplicated")
	http.Redirect(w, r, "/surveys/"+itoa(cp.ID)+"/edit", http.StatusSeeOther)
}

// surveyTabs is what the survey-tabs partial needs.
type surveyTabs struct {
	P   *Page
	ID  int64
	Tab string
}

// SurveyTabs gives a questionnaire's manager pages their tab bar.
func (p *Page) SurveyTabs(id int64, tab string) surveyTabs { return surveyTabs{P: p, ID: id, Tab: tab} }
