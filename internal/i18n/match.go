package i18n

import (
	"golang.org/x/text/language"
)

// maxAcceptLanguage bounds the header we parse; real browsers send well under
// 200 bytes, and the parser's work grows with the input.
const maxAcceptLanguage = 1024

// matchTags is in the order of Languages; the first is the matcher's default.
var matchTags = []language.Tag{language.MustParse(Chinese), language.English}

// matcher is built once: a language.Matcher is immutable and safe for
// concurrent use, and building one per request showed up in page profiles.
var matcher = language.NewMatcher(matchTags)

// Match chooses the language for a request. preferred is the person's stored
// choice (or a language cookie) and wins when it names a supported language;
// otherwise the Accept-Language header decides, and anything unrecognised
// gets the default, zh-CN. Regional variants match their language
// ("en-GB" → "en", "zh-Hans-CN" → "zh-CN").
func Match(acceptLanguage string, preferred string) string {
	m := matcher
	if preferred != "" {
		if t, err := language.Parse(preferred); err == nil {
			if _, i, conf := m.Match(t); conf >= language.High {
				return Languages()[i]
			}
		}
	}
	if acceptLanguage == "" || len(acceptLanguage) > maxAcceptLanguage {
		return Default
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, i, conf := m.Match(tags...)
	if conf == language.No {
		return Default
	}
	return Languages()[i]
}
