package statcli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/yanxiu/yanxiu/internal/stats"
	"github.com/yanxiu/yanxiu/internal/stats/csvdata"
)

// TestCatalogues keeps the message catalogues of the statistics area in
// step with the codes the engine, the CSV reader and the command line emit:
// every code has a text in both languages, no stale key lingers, and the
// English catalogue says exactly what Error() prints.
func TestCatalogues(t *testing.T) {
	english := map[string]string{}
	for _, src := range []struct {
		codes []string
		text  func(string) (string, bool)
	}{
		{stats.Codes(), stats.EnglishText},
		{csvdata.Codes(), csvdata.EnglishText},
		{Codes(), EnglishText},
	} {
		for _, c := range src.codes {
			english[c], _ = src.text(c)
		}
	}
	for _, lang := range []string{"en", "zh-CN"} {
		b, err := os.ReadFile(filepath.Join("..", "..", "i18n", "locales", lang, "stats.json"))
		if err != nil {
			t.Fatal(err)
		}
		var cat map[string]string
		if err := json.Unmarshal(b, &cat); err != nil {
			t.Fatalf("%s: %v", lang, err)
		}
		for code, text := range english {
			got, ok := cat[code]
			switch {
			case !ok:
				t.Errorf("%s/stats.json lacks %s", lang, code)
			case lang == "en" && got != text:
				t.Errorf("en/stats.json %s = %q, the code says %q", code, got, text)
			}
		}
		for code := range cat {
			if _, ok := english[code]; !ok {
				t.Errorf("%s/stats.json has %s, which nothing emits", lang, code)
			}
		}
	}
}
