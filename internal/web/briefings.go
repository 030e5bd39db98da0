package web

import (
	"net/http"
	"strings"
	"time"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/briefing"
	"github.com/yanxiu/yanxiu/internal/community"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Briefing pages: a community's list of briefings, the host's editor (a
// draft computed from the data, with a figures panel that follows the
// chosen dates), and one briefing. The service decides who may see and do
// what; these handlers parse, call it and render.

const briefingsPerPage = 20

type briefingsView struct {
	*Page
	C     *community.Community
	A     service.Access
	L     *service.BriefingList
	Pager pager
	// NewURL drafts a briefing of the last seven days.
	NewURL string
}

func (s *Server) showBriefings(w http.ResponseWriter, r *http.Request) {
	id, ok := s.spaceIDParam(w, r)
	if !ok {
		return
	}
	page := pageParam(r)
	l, err := s.svc.Briefings(r.Context(), currentUser(r), id, briefingsPerPage, (page-1)*briefingsPerPage)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.page(r, "briefing.list.title")
	s.takeFlash(w, r, p)
	from, to := defaultPeriod(s.svc.Now())
	s.render(w, r, http.StatusOK, "briefings", briefingsView{Page: p, C: l.Community, A: l.Access, L: l,
		Pager:  newPager(r, page, briefingsPerPage, l.Total),
		NewURL: "/c/" + itoa(id) + "/briefings/new?from=" + from + "&to=" + to})
}

// spaceIDParam reads the {id} of a community route, answering 404 to junk.
func (s *Server) spaceIDParam(w http.ResponseWriter, r *http.Request) (int64, bool) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
	}
	return id, ok
}

// defaultPeriod is the last seven days, today included, as form values.
func defaultPeriod(now time.Time) (from, to string) {
	today := now.In(briefing.Zone)
	today = time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, briefing.Zone)
	return today.AddDate(0, 0, -6).Format(briefing.DayLayout), today.AddDate(0, 0, 1).Format(briefing.DayLayout)
}

// parsePeriod reads the from and to fields (days in briefing.Zone, to not
// included); what cannot be parsed comes back as field errors, and the
// service checks the rest.
func parsePeriod(from, to string) (briefing.Period, apperr.Fields) {
	var p briefing.Period
	fe := apperr.Fields{}
	for _, f := range []struct {
		name, value string
		into        *time.Time
	}{{"from", from, &p.From}, {"to", to, &p.To}} {
		v := strings.TrimSpace(f.value)
		if v == "" {
			continue
		}
		t, err := time.ParseInLocation(briefing.DayLayout, v, briefing.Zone)
		if err != nil {
			fe.Add(f.name, "form.invalid")
			continue
		}
		*f.into = t
	}
	return p, fe
}

// briefingForm is the editor as typed, so that a refused form comes back
// exactly as it was sent.
type briefingForm struct {
	From, To, Title, Body string
}

func readBriefingForm(r *http.Request) briefingForm {
	return briefingForm{From: r.PostFormValue("from"), To: r.PostFormValue("to"), Title: r.PostFormValue("title"),
		Body: r.PostFormValue("body")}
}

// input converts the typed form; unparsable dates are field errors.
func (f briefingForm) input(publish bool) (briefing.Input, error) {
	p, fe := parsePeriod(f.From, f.To)
	in := briefing.Input{Period: p, Title: f.Title, Body: f.Body, Publish: publish}
	if len(fe) > 0 {
		// Show the other fields' problems at the same time.
		check := in
		if e, ok := apperr.As(check.Validate()); ok {
			for k, v := range e.Fields {
				if _, dup := fe[k]; !dup {
					fe[k] = v
				}
			}
		}
		return in, fe.Err()
	}
	return in, nil
}

type briefingFormView struct {
	*Page
	C *community.Community
	A service.Access
	// ID is the briefing being edited, 0 for a new one.
	ID     int64
	Status briefing.Status
	In     briefingForm
	// F is the figures panel; nil when the period is not valid.
	F *briefing.Figures
}

// Action is where the editor posts.
func (v *briefingFormView) Action() string {
	if v.ID != 0 {
		return "/briefings/" + itoa(v.ID)
	}
	return "/c/" + itoa(v.C.Space.ID) + "/briefings"
}

// FiguresURL is where the live panel asks for figures.
func (v *briefingFormView) FiguresURL() string {
	return "/c/" + itoa(v.C.Space.ID) + "/briefings/figures"
}

// leadCommunity loads a community for a page only its hosts and
// facilitators use, answering 403 (or 409 when archived) to anyone else.
func (s *Server) leadCommunity(w http.ResponseWriter, r *http.Request, id int64) (*community.Community, service.Access, bool) {
	c, a, err := s.svc.Community(r.Context(), currentUser(r), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, a, false
	}
	if !a.Lead {
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return nil, a, false
	}
	if a.Archived {
		s.renderError(w, r, http.StatusConflict, "community.error.archived")
		return nil, a, false
	}
	return c, a, true
}

func (s *Server) newBriefingForm(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := s.spaceIDParam(w, r)
	if !ok {
		return
	}
	c, a, ok := s.leadCommunity(w, r, id)
	if !ok {
		return
	}
	q := r.URL.Query()
	in := briefingForm{From: q.Get("from"), To: q.Get("to")}
	if in.From == "" && in.To == "" {
		in.From, in.To = defaultPeriod(s.svc.Now())
	}
	v := &briefingFormView{Page: s.page(r, "briefing.new"), C: c, A: a, In: in, Status: briefing.Draft}
	s.redraft(w, r, v, http.StatusOK)
}

// redraft fills the editor with a draft computed for its period, or with
// the period's errors.
func (s *Server) redraft(w http.ResponseWriter, r *http.Request, v *briefingFormView, status int) {
	p, fe := parsePeriod(v.In.From, v.In.To)
	err := fe.Err()
	var d *briefing.Briefing
	if err == nil {
		d, err = s.svc.DraftBriefingIn(r.Context(), currentUser(r), v.C.Space.ID, p, v.Lang)
	}
	if err != nil {
		code, ok := formErrors(v.Page, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		s.render(w, r, code, "briefing_form", v)
		return
	}
	v.In.Title, v.In.Body, v.F = d.Title, d.BodyMarkdown, &d.Figures
	s.render(w, r, status, "briefing_form", v)
}

// showBriefingFigures answers the editor's live panel with the figures of
// the chosen dates, as an HTML fragment.
func (s *Server) showBriefingFigures(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := s.spaceIDParam(w, r)
	if !ok {
		return
	}
	c, a, ok := s.leadCommunity(w, r, id)
	if !ok {
		return
	}
	q := r.URL.Query()
	v := &briefingFormView{Page: s.page(r, ""), C: c, A: a, In: briefingForm{From: q.Get("from"), To: q.Get("to")}}
	p, fe := parsePeriod(v.In.From, v.In.To)
	err := fe.Err()
	if err == nil {
		v.F, err = s.svc.BriefingFigures(r.Context(), u, id, p)
	}
	status := http.StatusOK
	if err != nil {
		if status, ok = formErrors(v.Page, err); !ok {
			s.fail(w, r, err)
			return
		}
	}
	s.renderFragment(w, r, status, "briefing_form", "figures-panel", v)
}

// saveBriefingForm ends a POST of the editor: "redraft" recomputes the
// draft for the typed dates (replacing the text), "publish" and "save"
// store the briefing through save.
func (s *Server) saveBriefingForm(w http.ResponseWriter, r *http.Request, v *briefingFormView,
	save func(in briefing.Input) (*briefing.Briefing, error)) {
	v.In = readBriefingForm(r)
	action := r.PostFormValue("action")
	if action == "redraft" {
		s.redraft(w, r, v, http.StatusOK)
		return
	}
	in, err := v.In.input(action == "publish")
	var b *briefing.Briefing
	if err == nil {
		b, err = save(in)
	}
	if err != nil {
		code, ok := formErrors(v.Page, err)
		if !ok {
			s.fail(w, r, err)
			return
		}
		if p, fe := parsePeriod(v.In.From, v.In.To); len(fe) == 0 && p.Validate() == nil {
			v.F, _ = s.svc.BriefingFigures(r.Context(), currentUser(r), v.C.Space.ID, p)
		}
		s.render(w, r, code, "briefing_form", v)
		return
	}
	if b.Status == briefing.Published {
		s.flash(w, "briefing.flash.published")
	} else {
		s.flash(w, "briefing.flash.saved")
	}
	http.Redirect(w, r, service.BriefingURL(b.ID), http.StatusSeeOther)
}

func (s *Server) createBriefing(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	id, ok := s.spaceIDParam(w, r)
	if !ok {
		return
	}
	c, a, ok := s.leadCommunity(w, r, id)
	if !ok {
		return
	}
	p := s.page(r, "briefing.new")
	p.Path = "/c/" + itoa(id) + "/briefings/new"
	v := &briefingFormView{Page: p, C: c, A: a, Status: briefing.Draft}
	s.saveBriefingForm(w, r, v, func(in briefing.Input) (*briefing.Briefing, error) {
		return s.svc.SaveBriefing(r.Context(), u, id, in)
	})
}

// briefingPage loads a briefing for its pages, answering 404 to a junk ID.
func (s *Server) briefingPage(w http.ResponseWriter, r *http.Request) (*service.BriefingPage, bool) {
	id, ok := pathID(r.PathValue("id"))
	if !ok {
		s.renderError(w, r, http.StatusNotFound, "error.not_found")
		return nil, false
	}
	bp, err := s.svc.Briefing(r.Context(), currentUser(r), id)
	if err != nil {
		s.fail(w, r, err)
		return nil, false
	}
	return bp, true
}

// editableBriefingPage is briefingPage for the editor's hosts and facilitators.
func (s *Server) editableBriefingPage(w http.ResponseWriter, r *http.Request) (*service.BriefingPage, bool) {
	bp, ok := s.briefingPage(w, r)
	if !ok {
		return nil, false
	}
	switch {
	case !bp.Access.Lead:
		s.renderError(w, r, http.StatusForbidden, "error.forbidden")
		return nil, false
	case bp.Access.Archived:
		s.renderError(w, r, http.StatusConflict, "community.error.archived")
		return nil, false
	}
	return bp, true
}

func (s *Server) editBriefingForm(w http.ResponseWriter, r *http.Request) {
	if s.requireUser(w, r) == nil {
		return
	}
	bp, ok := s.editableBriefingPage(w, r)
	if !ok {
		return
	}
	b := bp.Briefing
	v := &briefingFormView{Page: s.page(r, "briefing.edit"), C: bp.Community, A: bp.Access, ID: b.ID, Status: b.Status,
		In: briefingForm{From: b.Period.From.In(briefing.Zone).Format(briefing.DayLayout),
			To: b.Period.To.In(briefing.Zone).Format(briefing.DayLayout), Title: b.Title, Body: b.BodyMarkdown},
		F: &b.Figures}
	s.render(w, r, http.StatusOK, "briefing_form", v)
}

func (s *Server) updateBriefing(w http.ResponseWriter, r *http.Request) {
	u := s.requireUser(w, r)
	if u == nil {
		return
	}
	bp, ok := s.editableBriefingPage(w, r)
	if !ok {
		return
	}
	b := bp.Briefing
	p := s.page(r, "briefing.edit")
	p.Path = service.BriefingURL(b.ID) + "/edit"
	v := &briefingFormView{Page: p, C: bp.Community, A: bp.Access, ID: b.ID, Status: b.Status}
	s.saveBriefingForm(w, r, v, func(in briefing.Input) (*briefing.Briefing, error) {
		return s.svc.UpdateBriefing(r.Context(), u, b.ID, in)
	})
}

func (s *Server) publishBriefing(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	if _, err := s.svc.PublishBriefing(r.Context(), u, id); err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "briefing.flash.published")
	http.Redirect(w, r, service.BriefingURL(id), http.StatusSeeOther)
}

func (s *Server) deleteBriefing(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	cid, err := s.svc.DeleteBriefing(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.flash(w, "flash.deleted")
	http.Redirect(w, r, "/c/"+itoa(cid)+"/briefings", http.StatusSeeOther)
}

type briefingView struct {
	*Page
	C *community.Community
	A service.Access
	B *briefing.Briefing
	// Period is the period as people say it, last day included.
	Period string
}

func (s *Server) showBriefing(w http.ResponseWriter, r *http.Request) {
	bp, ok := s.briefingPage(w, r)
	if !ok {
		return
	}
	b := bp.Briefing
	p := s.page(r, "")
	p.Title = b.Title
	s.takeFlash(w, r, p)
	s.render(w, r, http.StatusOK, "briefing", &briefingView{Page: p, C: bp.Community, A: bp.Access, B: b,
		Period: periodText(p, b.Period)})
}

// periodText phrases a period with its last day included.
func periodText(p *Page, pd briefing.Period) string {
	return p.T("briefing.period", "from", pd.From.In(briefing.Zone).Format(briefing.DayLayout),
		"to", pd.LastDay().Format(briefing.DayLayout))
}
