// Package stats is Yanxiu's statistics engine: descriptive statistics,
// reliability (Cronbach's alpha), validity (KMO, Bartlett), t-tests, one-way
// ANOVA with post-hoc tests, chi-square and Fisher's exact test, rank tests
// and correlations, computed on in-memory columns.
//
// It is a leaf: it knows nothing of questionnaires, SQL or HTTP, so the web
// pages, the API and the command line (package statcli) all get the same
// figures. Its reference points are R (p-values agree with R to a relative
// error of 1e-8) and the NIST Statistical Reference Datasets (LRE >= 9 on
// every certified mean, SD, lag-1 autocorrelation and ANOVA table, including
// SmLs07-09 and NumAcc4).
//
// Accuracy comes from the data type: a Column remembers each number as the
// exact decimal it was written as (mantissa and scale), so every analysis
// first centres the values exactly in integer arithmetic and only then
// converts the small deviations to float64. Likert answers, which are small
// integers, take a fast path that needs no decimal bookkeeping at all.
//
// Missing values are excluded analysis by analysis (pairwise), and each
// result reports the count used. Data that cannot support an analysis
// (fewer than two groups, a group of one, zero variance, all values tied)
// yield an *Error with a message key a UI can translate, never NaN.
package stats
