package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/yanxiu/yanxiu/internal/apperr"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// The questionnaire builder: plain forms that edit a draft's sections,
// items and dimensions one step at a time through the domain's builder
// operations, so nobody ever edits JSON. Each step redirects back to the
// builder at the item it touched.

// surveyBuilderView is the builder page.
type surveyBuilderView struct {
	*Page
	S        *survey.Survey
	Editable bool
	Kinds    []survey.Kind
	Numbers  map[string]int // item ID → position (1-based)
	Vars     map[string]string
}

func (s *Server) surveyBuilderViewOf(r *http.Request, sv *survey.Survey) *surveyBuilderView {
	v := &surveyBuilderView{Page: s.page(r, "survey.builder.title", "title", sv.Title), S: sv, Editable: sv.Status == survey.Draft,
		Kinds: survey.Kinds, Numbers: map[string]int{}, Vars: map[string]string{}}
	for i, it := range sv.Definition.Items() {
		v.Numbers[it.ID] = i + 1
	}
	for _, vr := range survey.Variables(sv.Definition) {
		if _, ok := v.Vars[vr.ItemID]; !ok && vr.ItemID != "" {
			v.Vars[vr.ItemID] = vr.Name
		}
	}
	return v
}

// ItemText is an item's text in the page's language.
func (v *surveyBuilderView) ItemText(it survey.Item) string { return it.Label(v.Lang) }

// SectionTitle is a section's title in the page's language.
func (v *surveyBuilderView) SectionTitle(sec survey.Section) string { return sec.Label(v.Lang) }

// DimensionName names a dimension by key.
func (v *surveyBuilderView) DimensionName(key string) string {
	if dm, ok := v.S.Definition.Dimension(key); ok {
		return dm.Label(v.Lang)
	}
	return key
}

// Condition describes an item's show-if condition: "Q3 = 是 / 否".
func (v *surveyBuilderView) Condition(it survey.Item) string {
	return surveyConditionText(v.S.Definition, it, v.Numbers, v.Lang)
}

func surveyConditionText(d *survey.Definition, it survey.Item, numbers map[string]int, lang string) string {
	if it.ShowIf == nil {
		return ""
	}
	ctrl, ok := d.Item(it.ShowIf.Item)
	if !ok {
		return ""
	}
	var labels []string
	for _, c := range it.ShowIf.Values {
		if o, ok := ctrl.OptionByValue(c); ok {
			labels = append(labels, o.Text(lang))
		}
	}
	return "Q" + strconv.Itoa(numbers[ctrl.ID]) + " = " + strings.Join(labels, " / ")
}

func (s *Server) showSurveyBuilder(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	sp, err := s.svc.ManagedSurvey(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.surveyBuilderViewOf(r, sp.Survey)
	s.takeFlash(w, r, v.Page)
	s.render(w, r, http.StatusOK, "survey_builder", v)
}

// editSurveyStep applies one builder step and answers: back to the builder (at
// anchor) on success, the builder with the reason on a refusal.
func (s *Server) editSurveyStep(w http.ResponseWriter, r *http.Request, anchor string, op func(d *survey.Definition) error) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	_, err := s.svc.EditSurvey(r.Context(), u, id, op)
	if err != nil {
		s.builderRefused(w, r, id, err)
		return
	}
	http.Redirect(w, r, "/surveys/"+itoa(id)+"/edit"+anchor, http.StatusSeeOther)
}

// builderRefused shows the builder with the reason a step was refused.
func (s *Server) builderRefused(w http.ResponseWriter, r *http.Request, id int64, err error) {
	e, ok := apperr.As(err)
	if !ok || e.Code == apperr.NotFound && e.Key == "error.not_found" || e.Code == apperr.Unauthorized {
		s.fail(w, r, err)
		return
	}
	sp, lerr := s.svc.ManagedSurvey(r.Context(), currentUser(r), id)
	if lerr != nil {
		s.fail(w, r, lerr)
		return
	}
	v := s.surveyBuilderViewOf(r, sp.Survey)
	status, _ := formErrors(v.Page, err)
	if status == 0 {
		status = statusOf(e.Code)
	}
	if len(e.Fields) > 0 {
		// A whole-definition error names its field; show the first reason.
		for _, fe := range e.Fields {
			v.Message = v.T(fe.Key, argList(fe.Args)...)
			break
		}
	} else {
		v.Message = v.T(e.Key, argList(e.Args)...)
	}
	s.render(w, r, status, "survey_builder", v)
}

func (s *Server) addSurveySection(w http.ResponseWriter, r *http.Request) {
	title := clip(r.PostFormValue("title"), survey.MaxSectionTitle+1)
	s.editSurveyStep(w, r, "", func(d *survey.Definition) error {
		if len(d.Sections) >= survey.MaxSections {
			f := apperr.Fields{}
			f.Add("definition", "survey.error.too_many_sections", "max", survey.MaxSections)
			return f.Err()
		}
		d.AddSection(title)
		return nil
	})
}

func (s *Server) updateSurveySection(w http.ResponseWriter, r *http.Request) {
	sid := clip(r.PathValue("sid"), 40)
	action := r.PostFormValue("action")
	s.editSurveyStep(w, r, "#"+sid, func(d *survey.Definition) error {
		switch action {
		case "delete":
			return d.DeleteSection(sid)
		case "up":
			return d.MoveSection(sid, -1)
		case "down":
			return d.MoveSection(sid, 1)
		}
		return d.UpdateSection(sid, clip(r.PostFormValue("title"), survey.MaxSectionTitle+1),
			clip(r.PostFormValue("title_en"), survey.MaxSectionTitle+1), clip(r.PostFormValue("intro"), survey.MaxSectionIntro+1))
	})
}

func (s *Server) addSurveyItem(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	sec := clip(r.PostFormValue("section"), 40)
	kind := survey.Kind(clip(r.PostFormValue("kind"), 20))
	text := s.page(r, "").T("survey.builder.new_item")
	if kind == survey.Demographic {
		text = ""
	}
	var item string
	_, err := s.svc.EditSurvey(r.Context(), u, id, func(d *survey.Definition) error {
		var err error
		item, err = d.AddItem(sec, kind, text)
		return err
	})
	if err != nil {
		s.builderRefused(w, r, id, err)
		return
	}
	http.Redirect(w, r, "/surveys/"+itoa(id)+"/items/"+item, http.StatusSeeOther)
}

// surveyItemView is the form that edits one item.
type surveyItemView struct {
	*Page
	S       *survey.Survey
	It      survey.Item
	Form    surveyItemForm
	Number  int
	Earlier []*survey.Item // choice items before it, which a condition may use
	Fields  []survey.Field
	Scales  []int
}

// Selected reports whether an earlier item's code is in the condition.
func (v *surveyItemView) Selected(itemID string, code int) bool {
	return v.It.ShowIf != nil && v.It.ShowIf.Item == itemID && slices.Contains(v.It.ShowIf.Values, code)
}

// FieldName names a demographic field in the page's language.
func (v *surveyItemView) FieldName(f survey.Field) string {
	zh, en := survey.FieldName(f)
	if v.Lang == "en" {
		return en
	}
	return zh
}

// ItemText is an item's text in the page's language.
func (v *surveyItemView) ItemText(it *survey.Item) string { return it.Label(v.Lang) }

// OptionText is an option's label in the page's language.
func (v *surveyItemView) OptionText(o survey.Option) string { return o.Text(v.Lang) }

func (s *Server) surveyItemViewOf(r *http.Request, sv *survey.Survey, it survey.Item) *surveyItemView {
	v := &surveyItemView{Page: s.page(r, "survey.item.title"), S: sv, It: it, Fields: survey.Fields,
		Form: surveyItemForm{Options: surveyOptionLines(it.Options), Rows: surveyRowLines(it.Rows)}}
	for n := survey.MinScale; n <= survey.MaxScale; n++ {
		v.Scales = append(v.Scales, n)
	}
	if it.Min != nil {
		v.Form.Min = strconv.FormatFloat(*it.Min, 'f', -1, 64)
	}
	if it.Max != nil {
		v.Form.Max = strconv.FormatFloat(*it.Max, 'f', -1, 64)
	}
	for i, other := range sv.Definition.Items() {
		if other.ID == it.ID {
			v.Number = i + 1
			break
		}
		if other.Kind.Choice() {
			v.Earlier = append(v.Earlier, other)
		}
	}
	return v
}

func (s *Server) surveyAndItem(w http.ResponseWriter, r *http.Request) (*survey.Survey, *survey.Item, bool) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return nil, nil, false
	}
	sp, err := s.svc.ManagedSurvey(r.Context(), u, id)
	if err != nil {
		s.fail(w, r, err)
		return nil, nil, false
	}
	it, found := sp.Survey.Definition.Item(r.PathValue("iid"))
	if !found {
		s.renderError(w, r, http.StatusNotFound, "survey.error.no_such_item")
		return nil, nil, false
	}
	return sp.Survey, it, true
}

func (s *Server) editSurveyItemForm(w http.ResponseWriter, r *http.Request) {
	sv, it, ok := s.surveyAndItem(w, r)
	if !ok {
		return
	}
	if sv.Status != survey.Draft {
		http.Redirect(w, r, "/surveys/"+itoa(sv.ID)+"/edit", http.StatusSeeOther)
		return
	}
	s.render(w, r, http.StatusOK, "survey_item", s.surveyItemViewOf(r, sv, *it))
}

func (s *Server) saveSurveyItem(w http.ResponseWriter, r *http.Request) {
	sv, orig, ok := s.surveyAndItem(w, r)
	if !ok {
		return
	}
	it, form, badNumber := parseItemForm(r, *orig)
	var err error
	if badNumber != "" {
		f := apperr.Fields{}
		f.Add(badNumber, "form.invalid_number")
		err = f.Err()
	} else {
		_, err = s.svc.EditSurvey(r.Context(), currentUser(r), sv.ID, func(d *survey.Definition) error { return d.ReplaceItem(it) })
	}
	if err != nil {
		v := s.surveyItemViewOf(r, sv, it)
		v.Form = form
		if status, ok := formErrors(v.Page, err); ok {
			s.render(w, r, status, "survey_item", v)
			return
		}
		s.fail(w, r, err)
		return
	}
	s.flash(w, "survey.flash.item_saved")
	http.Redirect(w, r, "/surveys/"+itoa(sv.ID)+"/edit#"+it.ID, http.StatusSeeOther)
}

func (s *Server) moveSurveyItem(w http.ResponseWriter, r *http.Request) {
	iid := clip(r.PathValue("iid"), 40)
	delta := 1
	if r.PostFormValue("dir") == "up" {
		delta = -1
	}
	s.editSurveyStep(w, r, "#"+iid, func(d *survey.Definition) error { return d.MoveItem(iid, delta) })
}

func (s *Server) deleteSurveyItem(w http.ResponseWriter, r *http.Request) {
	iid := clip(r.PathValue("iid"), 40)
	s.editSurveyStep(w, r, "", func(d *survey.Definition) error { return d.DeleteItem(iid) })
}

// saveSurveyDimensions reads the dimension table: rows key_N / name_N /
// name_en_N / remove_N for existing dimensions and new_name / new_name_en
// for one more.
func (s *Server) saveSurveyDimensions(w http.ResponseWriter, r *http.Request) {
	var dims []survey.Dimension
	for i := 0; i <= survey.MaxDimensions; i++ {
		n := strconv.Itoa(i)
		key := clip(r.PostFormValue("key_"+n), 40)
		if key == "" {
			break
		}
		if r.PostFormValue("remove_"+n) != "" {
			continue
		}
		dims = append(dims, survey.Dimension{Key: key, Name: clip(r.PostFormValue("name_"+n), survey.MaxOptionLabel+1),
			NameEN: clip(r.PostFormValue("name_en_"+n), survey.MaxOptionLabel+1)})
	}
	if name := strings.TrimSpace(r.PostFormValue("new_name")); name != "" {
		dims = append(dims, survey.Dimension{Name: clip(name, survey.MaxOptionLabel+1),
			NameEN: clip(r.PostFormValue("new_name_en"), survey.MaxOptionLabel+1)})
	}
	s.editSurveyStep(w, r, "#dimensions", func(d *survey.Definition) error { return d.SetDimensions(dims) })
}

// previewSurvey shows the form as respondents will see it; posting it
// recomputes which items show, without saving anything.
func (s *Server) previewSurvey(w http.ResponseWriter, r *http.Request) {
	u, id, ok := s.userAndID(w, r)
	if !ok {
		return
	}
	var answers survey.Answers
	if r.Method == http.MethodPost {
		sp, err := s.svc.ManagedSurvey(r.Context(), u, id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		answers = parseSurveyAnswers(r, sp.Survey.Definition)
	}
	rv, err := s.svc.PreviewSurvey(r.Context(), u, id, answers)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v := s.surveyRespondViewOf(r, rv)
	v.Preview = true
	v.Action = "/surveys/" + itoa(id) + "/preview"
	if r.Method == http.MethodPost && r.PostFormValue("action") == "submit" {
		if _, err := survey.Check(rv.Survey.Definition, answers, true); err != nil {
			formErrors(v.Page, err)
		} else {
			v.Flash = v.T("survey.preview.valid")
		}
	}
	s.render(w, r, http.StatusOK, "survey_respond", v)
}

// Inc numbers from one in templates.
func (v *surveyBuilderView) Inc(i int) int { return i + 1 }
