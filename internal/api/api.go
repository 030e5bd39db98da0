// Package api serves Yanxiu's JSON API v1 under /api/v1/: the same objects
// the HTML pages show (the caller, people, institutions, journal entries and
// comments, the caller's events and access tokens, training communities with
// their memberships, theme negotiation and discussion), through the same
// service layer, so that permissions cannot drift apart between the two
// edges.
//
// Callers authenticate with a personal access token in an
// "Authorization: Bearer yx_..." header. The API never reads or sets cookies,
// so a browser cannot be tricked into sending an authenticated request on a
// user's behalf: there is no ambient credential, hence no CSRF protection is
// needed (and none is applied) here, unlike the cookie-based HTML forms.
//
// Every answer is JSON. Lists answer {"items":[...],"total":N}; errors answer
// {"error":{"code","message","fields"}} with messages in the language of the
// Accept-Language header (zh-CN by default). apperr codes become HTTP
// statuses here and nowhere else. The OpenAPI 3 document describing all of
// it is served at /api/v1/openapi.json.
package api

import (
	"io"
	"log/slog"
	"net/http"

	"github.com/yanxiu/yanxiu/internal/i18n"
	"github.com/yanxiu/yanxiu/internal/service"
)

// Prefix is where the API is mounted; the lead's mux routes "/api/v1/" here.
const Prefix = "/api/v1"

// DefaultMaxBodyBytes bounds request bodies when Options leave it zero.
const DefaultMaxBodyBytes = 1 << 20

// Options configure the API handler.
type Options struct {
	Service *service.Service
	Catalog *i18n.Catalog
	Logger  *slog.Logger
	// MaxBodyBytes bounds every request body; larger bodies get 413.
	MaxBodyBytes int64
}

// API is the http.Handler for /api/v1/.
type API struct {
	svc     *service.Service
	cat     *i18n.Catalog
	log     *slog.Logger
	maxBody int64
	mux     *http.ServeMux
	// patterns lists every registered pattern, so that a test can check the
	// OpenAPI document against the real routes.
	patterns []string
}

// New builds the API handler with its routes.
func New(o Options) *API {
	if o.Logger == nil {
		o.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	a := &API{svc: o.Service, cat: o.Catalog, log: o.Logger, maxBody: o.MaxBodyBytes, mux: http.NewServeMux()}
	a.routes()
	return a
}

// routes lists every endpoint of the API in one place.
func (a *API) routes() {
	a.public("GET /api/v1/openapi.json", a.showOpenAPI)

	a.private("GET /api/v1/me", a.showMe)
	a.private("PATCH /api/v1/me", a.updateMe)
	a.private("GET /api/v1/me/events", a.listMyEvents)
	a.private("GET /api/v1/me/tokens", a.listMyTokens)
	a.private("POST /api/v1/me/tokens", a.createToken)
	a.private("DELETE /api/v1/me/tokens/{id}", a.revokeToken)

	a.private("GET /api/v1/users", a.listUsers)
	a.private("GET /api/v1/users/{username}", a.showUser)
	a.private("GET /api/v1/users/{username}/journal", a.listUserEntries)

	a.private("GET /api/v1/institutions", a.listInstitutions)
	a.private("POST /api/v1/institutions", a.createInstitution)
	a.private("GET /api/v1/institutions/{id}", a.showInstitution)

	a.private("POST /api/v1/journal", a.createEntry)
	a.private("GET /api/v1/journal/{id}", a.showEntry)
	a.private("PATCH /api/v1/journal/{id}", a.updateEntry)
	a.private("DELETE /api/v1/journal/{id}", a.deleteEntry)
	a.private("GET /api/v1/journal/{id}/comments", a.listComments)
	a.private("POST /api/v1/journal/{id}/comments", a.createComment)

	// --- Training communities: communities.go, memberships.go, themes.go ---
	a.private("GET /api/v1/communities", a.listCommunities)
	a.private("POST /api/v1/communities", a.createCommunity)
	a.private("GET /api/v1/communities/{id}", a.showCommunity)
	a.private("PATCH /api/v1/communities/{id}", a.updateCommunity)
	a.private("POST /api/v1/communities/{id}/status", a.setCommunityStatus)

	a.private("GET /api/v1/communities/{id}/members", a.listMembers)
	a.private("PUT /api/v1/communities/{id}/members/{user_id}", a.setMemberRole)
	a.private("DELETE /api/v1/communities/{id}/members/{user_id}", a.removeMember)
	a.private("POST /api/v1/communities/{id}/join", a.joinCommunity)
	a.private("POST /api/v1/communities/{id}/leave", a.leaveCommunity)
	a.private("GET /api/v1/communities/{id}/requests", a.listJoinRequests)
	a.private("POST /api/v1/communities/{id}/requests/{rid}", a.decideJoinRequest)
	a.private("POST /api/v1/communities/{id}/invitations", a.inviteMembers)
	a.private("POST /api/v1/communities/{id}/invite-links", a.createInviteLink)
	a.private("POST /api/v1/invite-links/{token}/accept", a.acceptInviteLink)

	a.private("GET /api/v1/communities/{id}/proposals", a.listProposals)
	a.private("POST /api/v1/communities/{id}/proposals", a.createProposal)
	a.private("GET /api/v1/proposals/{id}", a.showProposal)
	a.private("POST /api/v1/proposals/{id}/comments", a.createProposalComment)
	a.private("POST /api/v1/proposals/{id}/withdraw", a.withdrawProposal)
	a.private("GET /api/v1/communities/{id}/rounds", a.listRounds)
	a.private("POST /api/v1/communities/{id}/rounds", a.createRound)
	a.private("POST /api/v1/rounds/{id}/votes", a.castVote)
	a.private("POST /api/v1/communities/{id}/decisions", a.decideProposals)
	// --- end of training communities ---

	// --- Community discussion: discussion.go ---
	a.private("GET /api/v1/communities/{id}/boards", a.listBoards)
	a.private("POST /api/v1/communities/{id}/boards", a.createBoard)
	a.private("GET /api/v1/communities/{id}/topics", a.listTopics)
	a.private("POST /api/v1/communities/{id}/topics", a.createTopic)
	a.private("GET /api/v1/topics/{id}", a.showTopic)
	a.private("PATCH /api/v1/topics/{id}", a.updateTopic)
	a.private("GET /api/v1/topics/{id}/replies", a.listReplies)
	a.private("POST /api/v1/topics/{id}/replies", a.createReply)
	a.private("POST /api/v1/topics/{id}/pin", a.pinTopic)
	a.private("DELETE /api/v1/topics/{id}/pin", a.unpinTopic)
	a.private("POST /api/v1/topics/{id}/lock", a.lockTopic)
	a.private("DELETE /api/v1/topics/{id}/lock", a.unlockTopic)
	a.private("POST /api/v1/topics/{id}/move", a.moveTopic)
	a.private("GET /api/v1/replies/{id}", a.showReply)
	a.private("PATCH /api/v1/replies/{id}", a.updateReply)
	a.private("POST /api/v1/replies/{id}/like", a.likeReply)
	a.private("DELETE /api/v1/replies/{id}/like", a.unlikeReply)
	a.private("POST /api/v1/replies/{id}/expert-answer", a.markExpertAnswer)
	a.private("DELETE /api/v1/replies/{id}/expert-answer", a.unmarkExpertAnswer)
	a.private("POST /api/v1/posts/{type}/{id}/hide", a.hidePost)
	a.private("POST /api/v1/posts/{type}/{id}/restore", a.restorePost)
	a.private("POST /api/v1/posts/{type}/{id}/reports", a.reportPost)
	// --- end of community discussion ---

	// --- Interview research: interviews.go ---
	a.private("GET /api/v1/interview-projects", a.listInterviewProjects)
	a.private("POST /api/v1/interview-projects", a.createInterviewProject)
	a.private("GET /api/v1/interview-projects/{id}", a.showInterviewProject)
	a.private("GET /api/v1/interview-projects/{id}/records", a.listInterviewRecords)
	a.private("POST /api/v1/interview-projects/{id}/records", a.createInterviewRecord)
	a.private("GET /api/v1/interview-projects/{id}/codes", a.listInterviewCodes)
	a.private("POST /api/v1/interview-projects/{id}/codes", a.createInterviewCode)
	a.private("GET /api/v1/interview-projects/{id}/frequencies", a.showInterviewFrequencies)
	a.private("GET /api/v1/interview-records/{id}", a.showInterviewRecord)
	a.private("GET /api/v1/interview-records/{id}/segments", a.listInterviewSegments)
	a.private("POST /api/v1/interview-records/{id}/segments", a.createInterviewSegment)
	a.private("PATCH /api/v1/interview-codes/{id}", a.updateInterviewCode)
	a.private("POST /api/v1/interview-codes/{id}/merge", a.mergeInterviewCode)
	a.private("DELETE /api/v1/interview-segments/{id}", a.deleteInterviewSegment)
	// --- end of interview research ---

	// --- Questionnaires: surveys.go ---
	a.private("GET /api/v1/surveys", a.listSurveys)
	a.private("GET /api/v1/surveys/{id}", a.showSurvey)
	a.private("POST /api/v1/surveys/{id}/responses", a.submitSurveyResponse)
	a.private("GET /api/v1/surveys/{id}/results", a.showSurveyResults)
	a.private("POST /api/v1/surveys", a.createSurvey)
	a.private("POST /api/v1/surveys/{id}/status", a.setSurveyStatus)
	// --- end of questionnaires ---

	// --- Teaching resources: resources.go ---
	a.private("GET /api/v1/resources", a.listResources)
	a.private("POST /api/v1/resources", a.createResource)
	a.private("POST /api/v1/resources/files", a.uploadResource)
	a.private("GET /api/v1/resources/{id}", a.showResource)
	a.private("DELETE /api/v1/resources/{id}", a.deleteResource)
	a.private("GET /api/v1/resources/{id}/file", a.downloadResource)
	a.private("GET /api/v1/resources/{id}/thumbnail", a.resourceThumbnail)
	a.private("GET /api/v1/resources/{id}/revisions", a.listRevisions)
	a.private("POST /api/v1/resources/{id}/revisions", a.createRevision)
	a.private("POST /api/v1/resources/{id}/reuse", a.reuseResource)
	a.private("GET /api/v1/resources/{id}/diff", a.showRevisionDiff)
	a.private("POST /api/v1/resources/{id}/revert", a.revertResource)
	a.private("PUT /api/v1/resources/{id}/rating", a.rateResource)
	a.private("POST /api/v1/resources/{id}/favourite", a.favouriteResource)
	a.private("DELETE /api/v1/resources/{id}/favourite", a.unfavouriteResource)
	a.private("GET /api/v1/resources/{id}/comments", a.listResourceComments)
	a.private("POST /api/v1/resources/{id}/comments", a.createResourceComment)
	a.private("POST /api/v1/resources/{id}/recommend", a.recommendResource)
	a.private("GET /api/v1/reviews", a.listReviews)
	a.private("POST /api/v1/reviews/{id}/approve", a.approveReview)
	a.private("POST /api/v1/reviews/{id}/return", a.returnReview)
	// --- end of teaching resources ---

	// Anything else under the prefix answers in the JSON envelope rather
	// than with the mux's plain-text 404 and 405.
	a.mux.HandleFunc("/api/v1/", a.notFound)
}

// public registers a handler that needs no token.
func (a *API) public(pattern string, h http.HandlerFunc) {
	a.patterns = append(a.patterns, pattern)
	a.mux.Handle(pattern, h)
}

// private registers a handler that runs only for a valid bearer token.
func (a *API) private(pattern string, h authedHandler) {
	a.patterns = append(a.patterns, pattern)
	a.mux.Handle(pattern, a.authenticate(h))
}

// ServeHTTP answers one API request, turning a panic in a handler into the
// JSON error envelope (a 500) instead of a dropped connection.
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			a.log.Error("api panic", "method", r.Method, "path", r.URL.Path, "panic", v)
			a.writeError(w, r, errInternal)
		}
	}()
	w.Header().Set("X-Content-Type-Options", "nosniff")
	a.mux.ServeHTTP(w, r)
}

// methods are the HTTP methods the API's routes use, for the Allow header.
var methods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete}

// notFound answers unmatched requests: 405 with Allow when the path exists
// under another method, 404 otherwise.
func (a *API) notFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range methods {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := a.mux.Handler(probe); pattern != "/api/v1/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		for _, m := range allow {
			w.Header().Add("Allow", m)
		}
		a.writeError(w, r, errMethodNotAllowed)
		return
	}
	a.writeError(w, r, errNoRoute)
}
