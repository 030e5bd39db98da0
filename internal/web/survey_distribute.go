package web

import (
	"net/http"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/space"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Distributing a questionnaire: to communities the manager hosts,
// institutions they administer (with their subtrees) or by link, and
// reminding those who have not answered a named questionnaire.

type surveyDistributeView struct {
	*Page
	*service.SurveyPage
	Targets *service.DistributionTargets
	Phase   survey.Phase
	NewLink string // a link just made: shown this once
	Kind    string
	Target  int64
}

// InstitutionLabel names an institution in the target list, indented by
// its depth below the first (the manager's own) so that same-named groups
// in different schools can be told apart by the school above them.
func (v *surveyDistributeView) InstitutionLabel(sp *space.Space) string {
	insts := v.Targets.Institutions
	if len(insts) == 0 || sp.Path == "" {
		return sp.Name
	}
	depth := strings.Count(sp.Path, "/") - strings.Count(insts[0].Path, "/")
	if depth <= 0 {
		return sp.Name
	}
	return strings.Repeat("\u3000", depth) + sp.Name
}

// LinkURL is the absolute address of a link token.
func (s *Server) surveyLinkURL(token string) string {
	return strings.TrimRight(s.baseURL, "/") + "/s/" + token
}

func (s *Server) surveyDistributeViewOf(r *http.Request, id int64) (*surveyDistributeView, error) {
	u := currentUser(r)
	sp, err := s.svc.ManagedSurvey(r.Context(), u, id)
	if err != nil {
		return nil, err
	}
	targets, err := s.svc.SurveyDistributionTargets(r.Context(), u)
	if err != nil {
		return nil, err
	}
	return &surveyDistributeView{Page: s.page(r, "survey.distribute.title", "title", sp.Survey.Title), SurveyPage: sp,
		Targets: targets, Phase: sp.Survey.PhaseAt(s.svc.Now())}, nil
}

func (s *Server) showSurveyDistribution(w http.ResponseWriter, r *http.Request) {
	_, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	v, err := s.surveyDistributeViewOf(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "survey_distribute", v)
}

// distributionRefused shows the distribution page with the reason.
func (s *Server) distributionRefused(w http.ResponseWriter, r *http.Request, id int64, err error) {
	e, ok := apperr.As(err)
	if !ok || e.Code == apperr.NotFound || e.Code == apperr.Unauthorized {
		s.fail(w, r, err)
		return
	}
	v, lerr := s.surveyDistributeViewOf(r, id)
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	status, ok := formErrors(v.Page, err)
	if !ok {
		status = statusOf(e.Code)
	}
	if len(e.Fields) == 0 {
		v.Message = v.T(e.Key, argList(e.Args)...)
	}
	v.Kind = r.PostFormValue("kind")
	s.render(w, r, status, "survey_distribute", v)
}

func (s *Server) distributeSurvey(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	kind := survey.TargetKind(clip(r.PostFormValue("kind"), 20))
	var target int64
	switch kind {
	case survey.TargetCommunity:
		target, _ = pathID(r.PostFormValue("community"))
	case survey.TargetInstitution:
		target, _ = pathID(r.PostFormValue("institution"))
	}
	token, err := s.svc.DistributeSurvey(r.Context(), u, id, kind, target)
	if err != nil {
		s.distributionRefused(w, r, id, err)
		return
	}
	if token == "" {
		s.flash(w, "survey.flash.distributed")
		http.Redirect(w, r, "/surveys/"+itoa(id)+"/distribute", http.StatusSeeOther)
		return
	}
	// The link is shown on this answer only; it is not stored.
	v, err := s.surveyDistributeViewOf(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v.NewLink = s.surveyLinkURL(token)
	v.Flash = v.T("survey.flash.link_created")
	s.render(w, r, http.StatusOK, "survey_distribute", v)
}

func (s *Server) revokeSurveyDistribution(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	did, ok := pathID(r.PathValue("did"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return
	}
	if err := s.svc.RevokeSurveyDistribution(r.Context(), u, id, did); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "survey.flash.revoked")
	http.Redirect(w, r, "/surveys/"+itoa(id)+"/distribute", http.StatusSeeOther)
}

func (s *Server) remindSurveyNonRespondents(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	if err := s.svc.RemindSurveyNonRespondents(r.Context(), u, id); err != nil {
		s.distributionRefused(w, r, id, err)
		return
	}
	s.flash(w, "survey.flash.reminded")
	http.Redirect(w, r, "/surveys/"+itoa(id)+"/distribute", http.StatusSeeOther)
}
