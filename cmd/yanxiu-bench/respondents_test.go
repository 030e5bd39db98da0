package main

import (
	"encoding/json"
	"io"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/yanxiu/yanxiu/internal/survey"
)

// TestAnswerAllIsAcceptable: the responses the respondents scenario sends
// pass the server's own final check for every template of the library, so
// a 201 in the benchmark is a real complete response, not a refusal
// counted as an error.
func TestAnswerAllIsAcceptable(t *testing.T) {
	for _, key := range []string{survey.TemplateCommunity, survey.TemplateTraining, survey.TemplateNeeds} {
		tpl, ok := survey.TemplateByKey(key)
		if !ok {
			t.Fatalf("no template %s", key)
		}
		d := tpl.Definition()
		// The questionnaire as GET /api/v1/surveys/{id} describes it.
		var sv benchSurvey
		for _, sec := range d.Sections {
			var items []benchItem
			for _, it := range sec.Items {
				bi := benchItem{ID: it.ID, Kind: string(it.Kind), Scale: it.Scale, Min: it.Min, Max: it.Max,
					MaxChoices: it.MaxChoices, MaxLength: it.MaxLength}
				for _, o := range it.AllOptions() {
					bi.Options = append(bi.Options, struct {
						Value int `json:"value"`
					}{o.Value})
				}
				for _, r := range it.Rows {
					bi.Rows = append(bi.Rows, struct {
						ID string `json:"id"`
					}{r.ID})
				}
				items = append(items, bi)
			}
			sv.Sections = append(sv.Sections, struct {
				Items []benchItem `json:"items"`
			}{items})
		}
		for seed := range uint64(20) {
			a, n := answerAll(&sv, rand.New(rand.NewPCG(seed, 5)))
			if n != len(d.Items()) {
				t.Fatalf("%s: answered %d of %d items", key, n, len(d.Items()))
			}
			// Decoded as the API decodes the body.
			b, _ := json.Marshal(map[string]any{"answers": a})
			var body struct {
				Answers map[string]struct {
					Choice  int            `json:"choice"`
					Choices []int          `json:"choices"`
					Rows    map[string]int `json:"rows"`
					Number  string         `json:"number"`
					Text    string         `json:"text"`
				} `json:"answers"`
			}
			if err := json.Unmarshal(b, &body); err != nil {
				t.Fatal(err)
			}
			got := survey.Answers{}
			for id, x := range body.Answers {
				got[id] = survey.Answer{Choice: x.Choice, Choices: x.Choices, Rows: x.Rows, Number: x.Number, Text: x.Text}
			}
			if _, err := survey.Check(d, got, true); err != nil {
				t.Fatalf("%s, seed %d: the server would refuse %s: %v", key, seed, b, err)
			}
		}
	}
}

// TestRespondentsScenarioIsAskedFor: the respondents scenario writes to the
// data, so it runs only when named (or through its group), never by default.
func TestRespondentsScenarioIsAskedFor(t *testing.T) {
	o, err := parseFlags(nil, io.Discard)
	if err != nil || slices.Contains(o.scenarios, "respondents") {
		t.Fatalf("default scenarios %v (%v)", o.scenarios, err)
	}
	o, err = parseFlags([]string{"--scenarios", "research", "--respondents", "600", "--questionnaires", "5"}, io.Discard)
	if err != nil || !slices.Equal(o.scenarios, []string{"respondents"}) || o.respondents != 600 || o.questionnaires != 5 {
		t.Fatalf("research: %+v (%v)", o, err)
	}
	if _, err := parseFlags([]string{"--scenarios", "respondents", "--questionnaires", "0"}, io.Discard); err == nil {
		t.Fatal("no questionnaires accepted")
	}
}

// TestRespondentsLossless: the count afterwards passes only when every
// confirmed submission is stored once and the counters agree.
func TestRespondentsLossless(t *testing.T) {
	good := respondentResult{Resubmitted: 10, Refused: 10,
		Count: respondentTally{Confirmed: 100, Rows: 100, Participants: 100, Counters: 100}}
	if !good.Lossless() {
		t.Fatal("a clean count fails")
	}
	for name, spoil := range map[string]func(r *respondentResult){
		"lost": func(r *respondentResult) {
			r.Count.Lost, r.Count.Rows, r.Count.Participants, r.Count.Counters = 1, 99, 99, 99
		},
		"duplicated":     func(r *respondentResult) { r.Count.Duplicated, r.Count.Rows = 1, 101 },
		"unacknowledged": func(r *respondentResult) { r.Count.Unacknowledged = 1 },
		"counter":        func(r *respondentResult) { r.Count.Counters = 99 },
		"participants":   func(r *respondentResult) { r.Count.Participants = 101 },
		"second answer":  func(r *respondentResult) { r.Refused = 9 },
	} {
		r := good
		spoil(&r)
		if r.Lossless() {
			t.Errorf("%s passes", name)
		}
	}
}
