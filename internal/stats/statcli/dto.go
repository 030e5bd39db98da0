package statcli

import (
	"bytes"
	"encoding/json"

	"github.com/yanxiu/yanxiu/internal/stats"
)

// The output types below are the JSON contract of `yanxiu stats` (issue 5):
// field names and order are part of it, so they are kept apart from the
// engine's result structs. A statistic the data leave undefined prints as
// null; numbers print at full double precision (shortest round-trip form).

// ordered is a JSON object whose keys keep the order of the command line
// (column and item names), which a Go map would sort.
type ordered []kv

type kv struct {
	Key   string
	Value any
}

func (o ordered) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, e := range o {
		if i > 0 {
			b.WriteByte(',')
		}
		k, err := json.Marshal(e.Key)
		if err != nil {
			return nil, err
		}
		v, err := json.Marshal(e.Value)
		if err != nil {
			return nil, err
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// maybe prints an undefined statistic as null.
func maybe(m stats.Maybe[float64]) *float64 {
	if !m.OK() {
		return nil
	}
	v := m.Value
	return &v
}

type describeOut struct {
	Columns ordered `json:"columns"`
}

type describeColumn struct {
	N          int      `json:"n"`
	Missing    int      `json:"missing"`
	Mean       float64  `json:"mean"`
	SD         *float64 `json:"sd"`
	Variance   *float64 `json:"variance"`
	Min        float64  `json:"min"`
	Max        float64  `json:"max"`
	Median     float64  `json:"median"`
	Q1         float64  `json:"q1"`
	Q3         float64  `json:"q3"`
	Skewness   *float64 `json:"skewness"`
	SkewnessSE *float64 `json:"skewness_se"`
	Kurtosis   *float64 `json:"kurtosis"`
	KurtosisSE *float64 `json:"kurtosis_se"`
	Lag1       *float64 `json:"lag1_autocorrelation"`
}

type tOut struct {
	T        float64 `json:"t"`
	DF       float64 `json:"df"`
	P        float64 `json:"p"`
	MeanDiff float64 `json:"mean_diff"`
	CILow    float64 `json:"ci_low"`
	CIHigh   float64 `json:"ci_high"`
}

func newT(t stats.TTest) tOut {
	return tOut{T: t.T, DF: t.DF, P: t.P, MeanDiff: t.MeanDiff, CILow: t.CILow, CIHigh: t.CIHigh}
}

type fOut struct {
	F   float64 `json:"f"`
	DF1 float64 `json:"df1"`
	DF2 float64 `json:"df2"`
	P   float64 `json:"p"`
}

func newF(m stats.Maybe[stats.FTest]) *fOut {
	if !m.OK() {
		return nil
	}
	return &fOut{F: m.Value.F, DF1: m.Value.DF1, DF2: m.Value.DF2, P: m.Value.P}
}

type groupOut struct {
	Name string   `json:"name"`
	N    int      `json:"n"`
	Mean float64  `json:"mean"`
	SD   *float64 `json:"sd"`
}

type independentOut struct {
	Groups        []groupOut `json:"groups"`
	Student       tOut       `json:"student"`
	Welch         tOut       `json:"welch"`
	Levene        *fOut      `json:"levene"`
	BrownForsythe *fOut      `json:"brown_forsythe"`
	CohenD        float64    `json:"cohen_d"`
}

type ssOut struct {
	SS float64 `json:"ss"`
	DF float64 `json:"df"`
	MS float64 `json:"ms"`
}

type totalOut struct {
	SS float64 `json:"ss"`
	DF float64 `json:"df"`
}

type pairOut struct {
	A    string  `json:"a"`
	B    string  `json:"b"`
	Diff float64 `json:"diff"`
	P    float64 `json:"p"`
}

type tukeyOut struct {
	A    string  `json:"a"`
	B    string  `json:"b"`
	Diff float64 `json:"diff"`
	Lwr  float64 `json:"lwr"`
	Upr  float64 `json:"upr"`
	P    float64 `json:"p"`
}

type posthocOut struct {
	LSD        []pairOut  `json:"lsd"`
	Bonferroni []pairOut  `json:"bonferroni"`
	Tukey      []tukeyOut `json:"tukey"` // null when undefined (fewer than 2 residual df)
}

type anovaOut struct {
	Between    ssOut      `json:"between"`
	Within     ssOut      `json:"within"`
	Total      totalOut   `json:"total"`
	F          float64    `json:"f"`
	P          float64    `json:"p"`
	EtaSquared float64    `json:"eta_squared"`
	RSquared   float64    `json:"r_squared"`
	ResidualSD float64    `json:"residual_sd"`
	Welch      *fOut      `json:"welch"`
	Posthoc    posthocOut `json:"posthoc"`
}

type chiStatOut struct {
	Statistic float64 `json:"statistic"`
	P         float64 `json:"p"`
}

type chisqOut struct {
	Statistic float64     `json:"statistic"`
	DF        int         `json:"df"`
	P         float64     `json:"p"`
	Expected  [][]float64 `json:"expected"`
	Yates     *chiStatOut `json:"yates,omitempty"`
	FisherP   *float64    `json:"fisher_p,omitempty"`
}

type rOut struct {
	R float64 `json:"r"`
	P float64 `json:"p"`
}

type rhoOut struct {
	Rho float64 `json:"rho"`
	P   float64 `json:"p"`
}

type corrOut struct {
	N        int    `json:"n"`
	Pearson  rOut   `json:"pearson"`
	Spearman rhoOut `json:"spearman"`
}

type mannWhitneyOut struct {
	U float64 `json:"u"`
	Z float64 `json:"z"`
	P float64 `json:"p"`
}

type kruskalOut struct {
	H  float64 `json:"h"`
	DF int     `json:"df"`
	P  float64 `json:"p"`
}

type alphaOut struct {
	N         int     `json:"n"`
	Alpha     float64 `json:"alpha"`
	StdAlpha  float64 `json:"std_alpha"`
	IfDeleted ordered `json:"if_deleted"`
	ItemTotal ordered `json:"item_total"`
}

type bartlettOut struct {
	Chi2 float64 `json:"chi2"`
	DF   int     `json:"df"`
	P    float64 `json:"p"`
}

type kmoOut struct {
	KMO      float64     `json:"kmo"`
	PerItem  ordered     `json:"per_item"`
	Bartlett bartlettOut `json:"bartlett"`
}
