package api

import (
	"time"

	"github.com/yanxiu/yanxiu/internal/service"
	"github.com/yanxiu/yanxiu/internal/stats"
	"github.com/yanxiu/yanxiu/internal/survey"
)

// Questionnaire DTOs. The definition is written out field by field rather
// than passing the stored JSON through, so that a change of the storage
// format never changes the API by accident.

type surveyDTO struct {
	ID            int64      `json:"id"`
	Title         string     `json:"title"`
	Description   string     `json:"description"`
	Status        string     `json:"status"`
	Phase         string     `json:"phase"`
	Anonymous     bool       `json:"anonymous"`
	OpensAt       *time.Time `json:"opens_at"`
	ClosesAt      *time.Time `json:"closes_at"`
	ResponseCount *int       `json:"response_count"` // managers only
	Answered      *bool      `json:"answered"`       // respondents only
	UpdatedAt     time.Time  `json:"updated_at"`
}

func newSurvey(sv *survey.Survey, now time.Time, manager bool, answered *bool) surveyDTO {
	d := surveyDTO{ID: sv.ID, Title: sv.Title, Description: sv.Description, Status: string(sv.Status),
		Phase: string(sv.PhaseAt(now)), Anonymous: sv.Anonymous, OpensAt: optTime(sv.OpensAt), ClosesAt: optTime(sv.ClosesAt),
		Answered: answered, UpdatedAt: sv.UpdatedAt.UTC()}
	if manager {
		n := sv.ResponseCount
		d.ResponseCount = &n
	}
	return d
}

type surveyOptionDTO struct {
	Value   int    `json:"value"`
	Label   string `json:"label"`
	LabelEN string `json:"label_en"`
}

type surveyRowDTO struct {
	ID      string `json:"id"`
	Label   string `json:"label"`
	LabelEN string `json:"label_en"`
}

type surveyConditionDTO struct {
	Item   string `json:"item"`
	Values []int  `json:"values"`
}

type surveyItemDTO struct {
	ID         string              `json:"id"`
	Kind       string              `json:"kind"`
	Variable   string              `json:"variable"`
	Text       string              `json:"text"`
	TextEN     string              `json:"text_en"`
	Help       string              `json:"help"`
	Required   bool                `json:"required"`
	Options    []surveyOptionDTO   `json:"options"`
	Other      bool                `json:"other"`
	MaxChoices int                 `json:"max_choices"`
	Scale      int                 `json:"scale"`
	Dimension  string              `json:"dimension"`
	Reverse    bool                `json:"reverse"`
	Rows       []surveyRowDTO      `json:"rows"`
	Min        *float64            `json:"min"`
	Max        *float64            `json:"max"`
	Integer    bool                `json:"integer"`
	Multiline  bool                `json:"multiline"`
	MaxLength  int                 `json:"max_length"`
	Field      string              `json:"field"`
	ShowIf     *surveyConditionDTO `json:"show_if"`
}

type surveySectionDTO struct {
	ID      string          `json:"id"`
	Title   string          `json:"title"`
	TitleEN string          `json:"title_en"`
	Intro   string          `json:"intro"`
	Items   []surveyItemDTO `json:"items"`
}

type surveyDimensionDTO struct {
	Key    string `json:"key"`
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

type surveyAnswerDTO struct {
	Choice  int            `json:"choice,omitempty"`
	Choices []int          `json:"choices,omitempty"`
	Rows    map[string]int `json:"rows,omitempty"`
	Number  string         `json:"number,omitempty"`
	Text    string         `json:"text,omitempty"`
}

type surveyViewerDTO struct {
	Manages   bool                       `json:"manages"`
	Answered  bool                       `json:"answered"`
	HasDraft  bool                       `json:"has_draft"`
	Accepting bool                       `json:"accepting"`
	Answers   map[string]surveyAnswerDTO `json:"answers"` // the draft or the prefilled answers
}

type surveyDetailDTO struct {
	surveyDTO
	Sections   []surveySectionDTO   `json:"sections"`
	Dimensions []surveyDimensionDTO `json:"dimensions"`
	Viewer     surveyViewerDTO      `json:"viewer"`
}

func newSurveyDetail(sv *survey.Survey, now time.Time, manager bool, answered *bool) surveyDetailDTO {
	out := surveyDetailDTO{surveyDTO: newSurvey(sv, now, manager, answered), Sections: []surveySectionDTO{},
		Dimensions: []surveyDimensionDTO{}}
	d := sv.Definition
	names := map[string]string{}
	for _, v := range survey.Variables(d) {
		if _, ok := names[v.ItemID]; !ok && v.ItemID != "" {
			names[v.ItemID] = v.Name
		}
	}
	for _, sec := range d.Sections {
		s := surveySectionDTO{ID: sec.ID, Title: sec.Title, TitleEN: sec.TitleEN, Intro: sec.Intro, Items: []surveyItemDTO{}}
		for _, it := range sec.Items {
			item := surveyItemDTO{ID: it.ID, Kind: string(it.Kind), Variable: names[it.ID], Text: it.Text, TextEN: it.TextEN,
				Help: it.Help, Required: it.Required, Options: []surveyOptionDTO{}, Other: it.Other, MaxChoices: it.MaxChoices,
				Scale: it.Scale, Dimension: it.Dimension, Reverse: it.Reverse, Rows: []surveyRowDTO{}, Min: it.Min, Max: it.Max,
				Integer: it.Integer, Multiline: it.Multiline, MaxLength: it.MaxLength, Field: string(it.Field)}
			for _, o := range it.AllOptions() {
				item.Options = append(item.Options, surveyOptionDTO{Value: o.Value, Label: o.Label, LabelEN: o.LabelEN})
			}
			for _, r := range it.Rows {
				item.Rows = append(item.Rows, surveyRowDTO{ID: r.ID, Label: r.Label, LabelEN: r.LabelEN})
			}
			if c := it.ShowIf; c != nil {
				item.ShowIf = &surveyConditionDTO{Item: c.Item, Values: append([]int{}, c.Values...)}
			}
			s.Items = append(s.Items, item)
		}
		out.Sections = append(out.Sections, s)
	}
	for _, dm := range d.Dimensions {
		out.Dimensions = append(out.Dimensions, surveyDimensionDTO{Key: dm.Key, Name: dm.Name, NameEN: dm.NameEN})
	}
	return out
}

func newAnswers(a survey.Answers) map[string]surveyAnswerDTO {
	out := make(map[string]surveyAnswerDTO, len(a))
	for id, ans := range a {
		out[id] = surveyAnswerDTO{Choice: ans.Choice, Choices: ans.Choices, Rows: ans.Rows, Number: ans.Number, Text: ans.Text}
	}
	return out
}

// surveyResponseCreate is the body of POST /surveys/{id}/responses.
type surveyResponseCreate struct {
	Answers map[string]surveyAnswerDTO `json:"answers"`
	Link    string                     `json:"link"`
}

func (b surveyResponseCreate) answers() survey.Answers {
	out := make(survey.Answers, len(b.Answers))
	for id, a := range b.Answers {
		out[id] = survey.Answer{Choice: a.Choice, Choices: a.Choices, Rows: a.Rows, Number: a.Number, Text: a.Text}
	}
	return out
}

type surveySubmittedDTO struct {
	SurveyID int64  `json:"survey_id"`
	Status   string `json:"status"`
}

// Results.

type surveyReasonDTO struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

type surveyDescDTO struct {
	N      int      `json:"n"`
	Mean   float64  `json:"mean"`
	SD     *float64 `json:"sd"`
	Median float64  `json:"median"`
	Min    float64  `json:"min"`
	Max    float64  `json:"max"`
}

func newSurveyDesc(d *stats.Descriptives) *surveyDescDTO {
	if d == nil {
		return nil
	}
	return &surveyDescDTO{N: d.N, Mean: d.Mean, SD: maybeNum(d.SD), Median: d.Median, Min: d.Min, Max: d.Max}
}

func maybeNum(m stats.Maybe[float64]) *float64 {
	if !m.OK() {
		return nil
	}
	v := m.Value
	return &v
}

type surveyGroupDTO struct {
	Name string   `json:"name"`
	N    int      `json:"n"`
	Mean float64  `json:"mean"`
	SD   *float64 `json:"sd"`
}

// surveyComparisonDTO is a t-test (two groups) or a one-way ANOVA (more).
type surveyComparisonDTO struct {
	Groups    []surveyGroupDTO   `json:"groups"`
	Test      *string            `json:"test"` // "t" | "anova" | null when undefined
	Statistic *float64           `json:"statistic"`
	DF1       *float64           `json:"df1"`
	DF2       *float64           `json:"df2"`
	P         *float64           `json:"p"`
	Effect    *float64           `json:"effect"` // Cohen's d or eta squared
	Reason    *surveyReasonDTO   `json:"reason"`
	RankTest  *surveyRankTestDTO `json:"rank_test"`
}

// surveyRankTestDTO is the rank-based counterpart of a comparison:
// Mann–Whitney U (two groups) or Kruskal–Wallis H (more).
type surveyRankTestDTO struct {
	Test      *string          `json:"test"` // "mann_whitney" | "kruskal_wallis" | null when undefined
	Statistic *float64         `json:"statistic"`
	Z         *float64         `json:"z"`
	DF        *int             `json:"df"`
	P         *float64         `json:"p"`
	Reason    *surveyReasonDTO `json:"reason"`
}

// surveyCorrTestDTO is one correlation coefficient with its p-value.
type surveyCorrTestDTO struct {
	R float64 `json:"r"`
	P float64 `json:"p"`
}

// surveyCorrelationDTO correlates two dimension scores.
type surveyCorrelationDTO struct {
	A        string             `json:"a"`
	B        string             `json:"b"`
	N        *int               `json:"n"`
	Pearson  *surveyCorrTestDTO `json:"pearson"`
	Spearman *surveyCorrTestDTO `json:"spearman"`
	Reason   *surveyReasonDTO   `json:"reason"`
}

type surveyFreqRowDTO struct {
	Code    int     `json:"code"`
	Label   string  `json:"label"`
	Count   int     `json:"count"`
	Percent float64 `json:"percent"`
}

type surveyFreqDTO struct {
	Label   string             `json:"label"`
	N       int                `json:"n"`
	Missing int                `json:"missing"`
	Rows    []surveyFreqRowDTO `json:"rows"`
}

type surveyItemResultDTO struct {
	ID           string               `json:"id"`
	Kind         string               `json:"kind"`
	Frequencies  []surveyFreqDTO      `json:"frequencies"`
	Descriptives *surveyDescDTO       `json:"descriptives"`
	Comparison   *surveyComparisonDTO `json:"comparison"`
	Answers      int                  `json:"answers"` // open text items: how many answered
}

type surveyDimensionResultDTO struct {
	Key          string               `json:"key"`
	Name         string               `json:"name"`
	Variable     string               `json:"variable"`
	Descriptives *surveyDescDTO       `json:"descriptives"`
	Alpha        *float64             `json:"alpha"`
	StdAlpha     *float64             `json:"std_alpha"`
	AlphaReason  *surveyReasonDTO     `json:"alpha_reason"`
	Comparison   *surveyComparisonDTO `json:"comparison"`
}

type surveyRateDTO struct {
	InstitutionID int64  `json:"institution_id"`
	Name          string `json:"name"`
	Eligible      int    `json:"eligible"`
	Responded     int    `json:"responded"`
	Others        int    `json:"others"`
	// Merged, when not zero, makes this the row of that many institutions
	// of an anonymous questionnaire with too few responses to show apart.
	Merged int `json:"merged"`
}

type surveyResultsDTO struct {
	SurveyID     int64                      `json:"survey_id"`
	Submitted    int                        `json:"submitted"`
	Drafts       int                        `json:"drafts"`
	N            int                        `json:"n"`
	Group        *string                    `json:"group"`
	Rates        []surveyRateDTO            `json:"response_rates"`
	Dimensions   []surveyDimensionResultDTO `json:"dimensions"`
	Items        []surveyItemResultDTO      `json:"items"`
	Correlations []surveyCorrelationDTO     `json:"correlations"`
	Differences  []surveyDifferenceDTO      `json:"differences"`
	// Withheld says why an anonymous questionnaire's analysis of this
	// subset or grouping is not given (too few responses); null otherwise.
	Withheld *surveyReasonDTO `json:"withheld"`
}

// surveyDifferenceDTO is the differential analysis by one variable: every
// dimension score compared across its groups.
type surveyDifferenceDTO struct {
	Variable   string                      `json:"variable"`
	Withheld   bool                        `json:"withheld"`
	Dimensions []surveyDimensionCompareDTO `json:"dimensions"`
}

type surveyDimensionCompareDTO struct {
	Key        string               `json:"key"`
	Comparison *surveyComparisonDTO `json:"comparison"`
}

// newSurveyResults converts results; reason translates stats' reasons.
func newSurveyResults(res *service.SurveyResults, reason func(*stats.Error) *surveyReasonDTO) surveyResultsDTO {
	out := surveyResultsDTO{SurveyID: res.Survey.ID, Submitted: res.Submitted, Drafts: res.Drafts, N: res.N,
		Rates: []surveyRateDTO{}, Dimensions: []surveyDimensionResultDTO{}, Items: []surveyItemResultDTO{},
		Correlations: []surveyCorrelationDTO{}, Differences: []surveyDifferenceDTO{}}
	if res.Group != nil {
		g := res.Group.Name
		out.Group = &g
	}
	for _, r := range res.Rates {
		out.Rates = append(out.Rates, surveyRateDTO{InstitutionID: r.InstitutionID, Name: r.Name, Eligible: r.Eligible,
			Responded: r.Responded, Others: r.Others, Merged: r.Merged})
	}
	cmp := func(c *service.Comparison) *surveyComparisonDTO {
		if c == nil {
			return nil
		}
		d := &surveyComparisonDTO{Groups: []surveyGroupDTO{}, Reason: reason(c.Err)}
		for _, g := range c.Groups {
			d.Groups = append(d.Groups, surveyGroupDTO{Name: g.Name, N: g.N, Mean: g.Mean, SD: maybeNum(g.SD)})
		}
		num := func(v float64) *float64 { return &v }
		switch {
		case c.T != nil:
			t := "t"
			d.Test, d.Statistic, d.DF1, d.P, d.Effect = &t, num(c.T.Student.T), num(c.T.Student.DF), num(c.T.Student.P), num(c.T.CohenD)
		case c.ANOVA != nil:
			t := "anova"
			d.Test, d.Statistic, d.DF1, d.DF2, d.P, d.Effect = &t, num(c.ANOVA.F), num(c.ANOVA.Between.DF), num(c.ANOVA.Within.DF),
				num(c.ANOVA.P), num(c.ANOVA.EtaSquared)
		}
		if c.MW != nil || c.KW != nil || c.NonParErr != nil {
			rt := &surveyRankTestDTO{Reason: reason(c.NonParErr)}
			switch {
			case c.MW != nil:
				t := "mann_whitney"
				rt.Test, rt.Statistic, rt.Z, rt.P = &t, num(c.MW.U), num(c.MW.Z), num(c.MW.P)
			case c.KW != nil:
				t, df := "kruskal_wallis", c.KW.DF
				rt.Test, rt.Statistic, rt.DF, rt.P = &t, num(c.KW.H), &df, num(c.KW.P)
			}
			d.RankTest = rt
		}
		return d
	}
	for _, dc := range res.Correlations {
		c := surveyCorrelationDTO{A: dc.A.Key, B: dc.B.Key, Reason: reason(dc.Err)}
		if dc.C != nil {
			n := dc.C.N
			c.N = &n
			c.Pearson = &surveyCorrTestDTO{R: dc.C.Pearson.R, P: dc.C.Pearson.P}
			c.Spearman = &surveyCorrTestDTO{R: dc.C.Spearman.R, P: dc.C.Spearman.P}
		}
		out.Correlations = append(out.Correlations, c)
	}
	for _, dr := range res.Dimensions {
		d := surveyDimensionResultDTO{Key: dr.Dimension.Key, Name: dr.Dimension.Name, Variable: dr.Variable.Name,
			Descriptives: newSurveyDesc(dr.Desc), AlphaReason: reason(dr.AlphaErr), Comparison: cmp(dr.Compare)}
		if dr.Alpha != nil {
			a, s := dr.Alpha.Alpha, dr.Alpha.StdAlpha
			d.Alpha, d.StdAlpha = &a, &s
		}
		out.Dimensions = append(out.Dimensions, d)
	}
	for _, df := range res.Differences {
		d := surveyDifferenceDTO{Variable: df.Variable.Name, Withheld: df.Withheld, Dimensions: []surveyDimensionCompareDTO{}}
		for i, c := range df.Scores {
			d.Dimensions = append(d.Dimensions, surveyDimensionCompareDTO{Key: res.Dimensions[i].Dimension.Key, Comparison: cmp(c)})
		}
		out.Differences = append(out.Differences, d)
	}
	for _, ir := range res.Items {
		it := surveyItemResultDTO{ID: ir.Item.ID, Kind: string(ir.Item.Kind), Frequencies: []surveyFreqDTO{},
			Descriptives: newSurveyDesc(ir.Desc), Comparison: cmp(ir.Compare), Answers: ir.NTexts}
		for _, ft := range ir.Freqs {
			f := surveyFreqDTO{Label: ft.Label, N: ft.N, Missing: ft.Missing, Rows: []surveyFreqRowDTO{}}
			for _, row := range ft.Rows {
				f.Rows = append(f.Rows, surveyFreqRowDTO{Code: row.Code, Label: row.Label, Count: row.Count, Percent: row.Percent})
			}
			it.Frequencies = append(it.Frequencies, f)
		}
		out.Items = append(out.Items, it)
	}
	return out
}

// surveyCreate is the body of POST /surveys.
type surveyCreate struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Template    string `json:"template"`
	Anonymous   bool   `json:"anonymous"`
}

// surveyStatusChange is the body of POST /surveys/{id}/status.
type surveyStatusChange struct {
	Status string `json:"status"`
}
