package web

import "net/http"

// routes lists every page of the site in one place.
func (s *Server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /healthz", s.health)
	if s.assets != nil {
		mux.Handle("GET /static/", s.assets)
	}
	if s.api != nil {
		mux.Handle("/api/v1/", s.api)
	}
	mux.HandleFunc("GET /avatars/{key}", s.showAvatar)

	mux.HandleFunc("GET /{$}", s.showHome)
	mux.HandleFunc("GET /login", s.showLogin)
	mux.HandleFunc("POST /login", s.login)
	mux.HandleFunc("POST /logout", s.logout)
	mux.HandleFunc("POST /lang", s.switchLanguage)

	mux.HandleFunc("GET /u/{username}", s.showPersonalSpace)
	mux.HandleFunc("GET /u/{username}/feed.atom", s.showFeed)
	mux.HandleFunc("POST /u/{username}/follow", s.follow)

	mux.HandleFunc("GET /journal/new", s.newEntryForm)
	mux.HandleFunc("GET /journal/drafts", s.showDrafts)
	mux.HandleFunc("POST /journal", s.createEntry)
	mux.HandleFunc("GET /journal/{id}", s.showEntry)
	mux.HandleFunc("GET /journal/{id}/edit", s.editEntryForm)
	mux.HandleFunc("POST /journal/{id}", s.updateEntry)
	mux.HandleFunc("POST /journal/{id}/delete", s.deleteEntry)
	mux.HandleFunc("POST /journal/{id}/comments", s.addComment)

	mux.HandleFunc("GET /settings/profile", s.showProfileForm)
	mux.HandleFunc("POST /settings/profile", s.saveProfile)
	mux.HandleFunc("POST /settings/avatar", s.uploadAvatar)
	mux.HandleFunc("GET /settings/security", s.showSecurity)
	mux.HandleFunc("POST /settings/password", s.changePassword)
	mux.HandleFunc("POST /settings/logout-all", s.logoutEverywhere)
	mux.HandleFunc("POST /settings/tokens", s.createToken)
	mux.HandleFunc("POST /settings/tokens/{id}/delete", s.revokeToken)

	mux.HandleFunc("GET /i", s.listInstitutions)
	mux.HandleFunc("GET /i/{id}", s.showInstitution)
	mux.HandleFunc("GET /i/{id}/edit", s.editInstitutionForm)
	mux.HandleFunc("POST /i/{id}", s.updateInstitution)
	mux.HandleFunc("POST /i/{id}/children", s.createChildInstitution)
	mux.HandleFunc("POST /i/{id}/announcements", s.postAnnouncement)
	mux.HandleFunc("POST /i/{id}/announcements/{aid}/delete", s.deleteAnnouncement)
	mux.HandleFunc("GET /i/{id}/roster", s.showRosterForm)
	mux.HandleFunc("POST /i/{id}/roster", s.previewRoster)
	mux.HandleFunc("POST /i/{id}/roster/apply", s.applyRoster)

	mux.HandleFunc("/", s.notFound)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "error.not_found")
}
