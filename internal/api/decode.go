package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/yanxiu/yanxiu/internal/apperr"
)

// decodeBody reads the request body, which must be one JSON object, into
// dst (a pointer to a request DTO). Every way a body can be wrong becomes a
// 4xx with a message saying what to fix: a foreign Content-Type (415), a
// body over the limit (413), an empty, malformed or truncated body, a body
// that is not an object, unknown fields and values of the wrong type (400,
// the last two on the field concerned).
func (a *API) decodeBody(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" {
		mt, _, err := mime.ParseMediaType(ct)
		if err != nil || (mt != "application/json" && !strings.HasSuffix(mt, "+json")) {
			return errMediaType
		}
	}
	if r.ContentLength > a.maxBody {
		return a.tooLarge()
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, a.maxBody))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return a.syntaxError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return a.syntaxError(err)
		}
		return apperr.New(apperr.Invalid, "api.error.trailing_data")
	}
	if raw[0] != '{' {
		return apperr.New(apperr.Invalid, "api.error.body_not_object")
	}
	strict := json.NewDecoder(bytes.NewReader(raw))
	strict.DisallowUnknownFields()
	if err := strict.Decode(dst); err != nil {
		return fieldError(err)
	}
	if field, ok := nulField(reflect.ValueOf(dst).Elem()); ok {
		// PostgreSQL refuses NUL in text, and no text a person writes holds one.
		f := apperr.Fields{}
		f.Add(field, "api.field.nul")
		return f.Err()
	}
	return nil
}

// nulField finds the first field of a decoded request DTO (a flat struct of
// strings, string slices and pointers to them) that contains a NUL
// character, returning its JSON name.
func nulField(v reflect.Value) (string, bool) {
	t := v.Type()
	for i := range t.NumField() {
		fv := v.Field(i)
		if fv.Kind() == reflect.Pointer {
			if fv.IsNil() {
				continue
			}
			fv = fv.Elem()
		}
		var texts []string
		switch {
		case fv.Kind() == reflect.String:
			texts = []string{fv.String()}
		case fv.Kind() == reflect.Slice && fv.Type().Elem().Kind() == reflect.String:
			for j := range fv.Len() {
				texts = append(texts, fv.Index(j).String())
			}
		}
		for _, s := range texts {
			if strings.IndexByte(s, 0) >= 0 {
				name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
				return name, true
			}
		}
	}
	return "", false
}

func (a *API) tooLarge() error {
	return &apperr.Error{Code: apperr.TooLarge, Key: "api.error.body_too_large",
		Args: map[string]any{"max": a.maxBody >> 10}}
}

// syntaxError classifies a failure to read one JSON value from the body.
func (a *API) syntaxError(err error) error {
	var tooBig *http.MaxBytesError
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &tooBig):
		return a.tooLarge()
	case errors.Is(err, io.EOF):
		return apperr.New(apperr.Invalid, "api.error.empty_body")
	case errors.As(err, &syn):
		return &apperr.Error{Code: apperr.Invalid, Key: "api.error.malformed_json",
			Args: map[string]any{"offset": syn.Offset}, Err: err}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return apperr.Wrap(apperr.Invalid, "api.error.truncated_json", err)
	}
	// A broken connection or similar: the request cannot be read.
	return apperr.Wrap(apperr.Invalid, "api.error.unreadable_body", err)
}

// fieldError turns a decoding failure of a well-formed object into a field
// error: a value of the wrong JSON type or a field the endpoint does not take.
func fieldError(err error) error {
	f := apperr.Fields{}
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &typ) && typ.Field != "":
		f.Add(typ.Field, "api.field.want_"+jsonType(typ.Type))
	case strings.HasPrefix(err.Error(), `json: unknown field "`):
		// encoding/json has no error type for this; its message is stable.
		name := strings.TrimSuffix(strings.TrimPrefix(err.Error(), `json: unknown field "`), `"`)
		if !utf8.ValidString(name) || len(name) > 64 {
			name = "?"
		}
		f.Add(name, "api.field.unknown")
	default:
		// Not expected from a well-formed object, but still the client's input.
		return apperr.Wrap(apperr.Invalid, "error.bad_request", err)
	}
	e := f.Err().(*apperr.Error)
	e.Err = err
	return e
}

// jsonType names the JSON type a Go type decodes from, for messages.
func jsonType(t reflect.Type) string {
	if t == nil {
		return "value"
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.String:
		return "string"
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	case reflect.Slice, reflect.Array:
		return "array"
	case reflect.Struct, reflect.Map:
		return "object"
	}
	return "value"
}

// query reads query parameters, collecting field errors so that one answer
// reports every bad parameter.
type query struct {
	v url.Values
	f apperr.Fields
}

func newQuery(r *http.Request) *query { return &query{v: r.URL.Query(), f: apperr.Fields{}} }

// maxInt32 bounds numeric parameters so that no engine sees an overflow.
const maxInt32 = 1<<31 - 1

// int reads an integer parameter in [min, max], def when absent.
func (q *query) int(name string, def, min, max int) int {
	s := q.v.Get(name)
	if s == "" {
		return def
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		q.f.Add(name, "form.invalid_number")
		return def
	}
	if n < min || n > max {
		q.f.Add(name, "form.out_of_range", "min", min, "max", max)
		return def
	}
	return n
}

// id reads a positive ID parameter, 0 when absent.
func (q *query) id(name string) int64 {
	s := q.v.Get(name)
	if s == "" {
		return 0
	}
	id, err := strconv.ParseInt(s, 10, 64)
	if err != nil || id <= 0 {
		q.f.Add(name, "api.field.id")
		return 0
	}
	return id
}

// str reads a text parameter of at most max characters.
func (q *query) str(name string, max int) string {
	s := strings.TrimSpace(q.v.Get(name))
	if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
		q.f.Add(name, "form.invalid")
		return ""
	}
	if utf8.RuneCountInString(s) > max {
		q.f.Add(name, "form.too_long", "max", max)
		return ""
	}
	return s
}

// reject reports a parameter the endpoint does not take, with a reason.
func (q *query) reject(name, key string) {
	if q.v.Has(name) {
		q.f.Add(name, key)
	}
}

// Paging defaults and bounds shared by every list.
const (
	defaultLimit = 20
	maxLimit     = 100
)

// page reads limit and offset.
func (q *query) page() (limit, offset int) {
	return q.int("limit", defaultLimit, 1, maxLimit), q.int("offset", 0, 0, maxInt32)
}

// err returns the collected field errors, nil when every parameter was fine.
func (q *query) err() error { return q.f.Err() }

// pathID parses a numeric path segment such as {id}.
func pathID(r *http.Request, name string) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue(name), 10, 64)
	if err != nil || id <= 0 {
		f := apperr.Fields{}
		f.Add(name, "api.field.id")
		return 0, f.Err()
	}
	return id, nil
}
