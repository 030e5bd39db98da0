package api

import (
	_ "embed"
	"net/http"
)

// openAPIDocument describes every route of routes(); it is written by hand
// so that it reads as documentation, and TestOpenAPI* keep it honest: it
// must validate, name exactly the routed operations, and match what the
// handlers really answer.
//
//go:embed openapi.json
var openAPIDocument []byte

// showOpenAPI answers GET /openapi.json without authentication, so that
// clients and tools can discover the API before holding a token.
func (a *API) showOpenAPI(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Cache-Control", "public, max-age=3600")
	h.Set("Access-Control-Allow-Origin", "*")
	w.WriteHeader(http.StatusOK)
	w.Write(openAPIDocument) //nolint:errcheck // the client went away
}
