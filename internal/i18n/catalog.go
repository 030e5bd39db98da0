// Package i18n owns Yanxiu's message catalogues and language choice.
//
// Every user-facing string is a flat dotted key ("roster.error.email_invalid")
// looked up in a catalogue per language. The catalogues are JSON files embedded
// from locales/<lang>/<area>.json: each package that shows text to people adds
// its own area file in every language, and Load merges all of them, refusing a
// key defined twice so that two areas can never silently shadow each other.
// zh-CN is the default language; English must be complete (the tests in this
// package check every file in locales/, whoever wrote it).
package i18n

import (
	"bytes"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"path"
	"slices"
	"sort"
	"strings"
)

// Supported language tags. Default is what a visitor gets when nothing they
// send or stored says otherwise.
const (
	Chinese = "zh-CN"
	English = "en"
	Default = Chinese
)

// Languages lists the supported language tags, the default first, so that a
// language switch can offer them in a stable order.
func Languages() []string {
	return []string{Chinese, English}
}

// supported reports whether lang is one of Languages.
func supported(lang string) bool {
	return lang == Chinese || lang == English
}

//go:embed locales
var embedded embed.FS

// Catalog holds the merged messages of every language. It is immutable after
// loading and safe for concurrent use, so one Catalog serves a whole process.
type Catalog struct {
	messages map[string]map[string]string // lang → key → text
	sources  map[string]map[string]string // lang → key → file that defined it
}

// Load reads the catalogues embedded in the binary.
func Load() (*Catalog, error) {
	sub, err := fs.Sub(embedded, "locales")
	if err != nil {
		return nil, fmt.Errorf("i18n: open embedded locales: %w", err)
	}
	return LoadFS(sub)
}

// LoadFS reads catalogues from fsys laid out as <lang>/<area>.json. It exists
// so that tests (and a development mode reading from disk) can supply their
// own files. Every supported language must have a folder; a folder for an
// unsupported language, a file that is not a flat JSON object of strings, or a
// key defined twice within a language is an error.
func LoadFS(fsys fs.FS) (*Catalog, error) {
	c := &Catalog{
		messages: make(map[string]map[string]string),
		sources:  make(map[string]map[string]string),
	}
	entries, err := fs.ReadDir(fsys, ".")
	if err != nil {
		return nil, fmt.Errorf("i18n: list languages: %w", err)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") {
			continue
		}
		if !e.IsDir() || !supported(e.Name()) {
			return nil, fmt.Errorf("i18n: %s: not a supported language folder (want one of %v)", e.Name(), Languages())
		}
		if err := c.loadLanguage(fsys, e.Name()); err != nil {
			return nil, err
		}
	}
	for _, lang := range Languages() {
		if _, ok := c.messages[lang]; !ok {
			return nil, fmt.Errorf("i18n: no catalogue folder for %s", lang)
		}
	}
	return c, nil
}

func (c *Catalog) loadLanguage(fsys fs.FS, lang string) error {
	msgs := make(map[string]string)
	srcs := make(map[string]string)
	c.messages[lang] = msgs
	c.sources[lang] = srcs
	files, err := fs.ReadDir(fsys, lang)
	if err != nil {
		return fmt.Errorf("i18n: list %s: %w", lang, err)
	}
	for _, f := range files {
		name := path.Join(lang, f.Name())
		if strings.HasPrefix(f.Name(), ".") {
			continue
		}
		if f.IsDir() || path.Ext(f.Name()) != ".json" {
			return fmt.Errorf("i18n: %s: catalogue folders hold only <area>.json files", name)
		}
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return fmt.Errorf("i18n: read %s: %w", name, err)
		}
		kv, err := parseFlat(data)
		if err != nil {
			return fmt.Errorf("i18n: parse %s: %w", name, err)
		}
		for _, p := range kv {
			if prev, dup := srcs[p.key]; dup {
				return fmt.Errorf("i18n: key %q defined in both %s and %s", p.key, prev, name)
			}
			msgs[p.key] = p.text
			srcs[p.key] = name
		}
	}
	return nil
}

type pair struct{ key, text string }

// parseFlat decodes a flat JSON object of strings, keeping order and refusing
// duplicate keys, which encoding/json would otherwise resolve silently.
func parseFlat(data []byte) ([]pair, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return nil, fmt.Errorf("read start: %w", err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errors.New("want a JSON object of key → text")
	}
	var out []pair
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read key: %w", err)
		}
		key := tok.(string) // inside an object, a token in key position is always a string
		tok, err = dec.Token()
		if err != nil {
			return nil, fmt.Errorf("read value of %q: %w", key, err)
		}
		text, ok := tok.(string)
		if !ok {
			return nil, fmt.Errorf("value of %q is not a string (catalogues are flat)", key)
		}
		if seen[key] {
			return nil, fmt.Errorf("key %q appears twice", key)
		}
		seen[key] = true
		out = append(out, pair{key, text})
	}
	if _, err := dec.Token(); err != nil {
		return nil, fmt.Errorf("read end: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("trailing data after the JSON object")
	}
	return out, nil
}

// T translates key into lang, filling {name} placeholders from args given as
// alternating name, value pairs: T("en", "form.too_long", "max", 200).
// A missing translation falls back to the default language and then to the key
// itself, so a page never breaks over a missing string (the tests catch it).
// A placeholder without a value is left as written; values are formatted with
// fmt.Sprint.
func (c *Catalog) T(lang, key string, args ...any) string {
	text, ok := c.messages[lang][key]
	if !ok {
		text, ok = c.messages[Default][key]
	}
	if !ok {
		return key
	}
	if len(args) == 0 || !strings.Contains(text, "{") {
		return text
	}
	return fill(text, args)
}

// Has reports whether key is translated in lang (without fallback).
func (c *Catalog) Has(lang, key string) bool {
	_, ok := c.messages[lang][key]
	return ok
}

// Keys returns the sorted keys defined for lang.
func (c *Catalog) Keys(lang string) []string {
	keys := make([]string, 0, len(c.messages[lang]))
	for k := range c.messages[lang] {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// Source names the file that defines key in lang, for error reports.
func (c *Catalog) Source(lang, key string) string {
	return c.sources[lang][key]
}

// Printer binds a Catalog to one language, so that a request's view data can
// carry a single value that templates call as {{.T.T "key"}}.
type Printer struct {
	catalog *Catalog
	lang    string
}

// Printer returns a Printer for lang; an unsupported lang prints the default.
func (c *Catalog) Printer(lang string) Printer {
	if !supported(lang) {
		lang = Default
	}
	return Printer{catalog: c, lang: lang}
}

// Lang is the language the Printer prints, for <html lang>.
func (p Printer) Lang() string { return p.lang }

// T translates key as Catalog.T does, in the Printer's language.
func (p Printer) T(key string, args ...any) string {
	return p.catalog.T(p.lang, key, args...)
}

// fill replaces {name} placeholders with the values named in args.
func fill(text string, args []any) string {
	var b strings.Builder
	b.Grow(len(text) + 16)
	rest := text
	for {
		start, end, name := nextPlaceholder(rest)
		if start < 0 {
			b.WriteString(rest)
			return b.String()
		}
		b.WriteString(rest[:start])
		if v, ok := lookupArg(args, name); ok {
			b.WriteString(v)
		} else {
			b.WriteString(rest[start:end])
		}
		rest = rest[end:]
	}
}

func lookupArg(args []any, name string) (string, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if fmt.Sprint(args[i]) == name {
			return fmt.Sprint(args[i+1]), true
		}
	}
	return "", false
}

// nextPlaceholder finds the first {name} in s, where name is an ASCII letter
// or underscore followed by letters, digits or underscores. It returns the
// byte range of the whole placeholder, or start -1 when there is none.
func nextPlaceholder(s string) (start, end int, name string) {
	offset := 0
	for {
		i := strings.IndexByte(s[offset:], '{')
		if i < 0 {
			return -1, -1, ""
		}
		i += offset
		j := i + 1
		for j < len(s) && isNameByte(s[j], j == i+1) {
			j++
		}
		if j > i+1 && j < len(s) && s[j] == '}' {
			return i, j + 1, s[i+1 : j]
		}
		offset = i + 1
	}
}

func isNameByte(c byte, first bool) bool {
	switch {
	case c == '_', 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z':
		return true
	case '0' <= c && c <= '9':
		return !first
	}
	return false
}

// Placeholders lists the distinct placeholder names in text, sorted; the
// tests use it to check that every language asks for the same values.
func Placeholders(text string) []string {
	var names []string
	for {
		start, end, name := nextPlaceholder(text)
		if start < 0 {
			break
		}
		if !slices.Contains(names, name) {
			names = append(names, name)
		}
		text = text[end:]
	}
	sort.Strings(names)
	return names
}
