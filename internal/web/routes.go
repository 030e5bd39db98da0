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
	mux.HandleFunc("GET /u/{username}/activity", s.showPersonalTimeline)
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
	mux.HandleFunc("GET /i/{id}/activity", s.showInstitutionActivity)
	mux.HandleFunc("GET /i/{id}/edit", s.editInstitutionForm)
	mux.HandleFunc("POST /i/{id}", s.updateInstitution)
	mux.HandleFunc("POST /i/{id}/children", s.createChildInstitution)
	mux.HandleFunc("POST /i/{id}/announcements", s.postAnnouncement)
	mux.HandleFunc("POST /i/{id}/announcements/{aid}/delete", s.deleteAnnouncement)
	mux.HandleFunc("GET /i/{id}/roster", s.showRosterForm)
	mux.HandleFunc("POST /i/{id}/roster", s.previewRoster)
	mux.HandleFunc("POST /i/{id}/roster/apply", s.applyRoster)

	// Communities and theme negotiation
	mux.HandleFunc("GET /c", s.listCommunities)
	mux.HandleFunc("GET /c/new", s.newCommunityForm)
	mux.HandleFunc("POST /c", s.createCommunity)
	mux.HandleFunc("GET /c/{id}", s.showCommunity)
	mux.HandleFunc("GET /c/{id}/edit", s.editCommunityForm)
	mux.HandleFunc("POST /c/{id}", s.updateCommunity)
	mux.HandleFunc("POST /c/{id}/status", s.setCommunityStatus)
	mux.HandleFunc("POST /c/{id}/join", s.joinCommunity)
	mux.HandleFunc("POST /c/{id}/leave", s.leaveCommunity)
	mux.HandleFunc("POST /c/{id}/requests/{rid}", s.decideJoinRequest)
	mux.HandleFunc("POST /c/{id}/invitations", s.inviteByName)
	mux.HandleFunc("POST /c/{id}/invite-links", s.createInviteLink)
	mux.HandleFunc("POST /c/{id}/members/{uid}/role", s.setMemberRole)
	mux.HandleFunc("POST /c/{id}/members/{uid}/remove", s.removeMember)
	mux.HandleFunc("GET /c/{id}/themes", s.showThemes)
	mux.HandleFunc("POST /c/{id}/proposals", s.propose)
	mux.HandleFunc("POST /c/{id}/rounds", s.openRound)
	mux.HandleFunc("POST /c/{id}/rounds/{rid}/vote", s.vote)
	mux.HandleFunc("POST /c/{id}/decisions", s.decideProposals)
	mux.HandleFunc("GET /proposals/{id}", s.showProposal)
	mux.HandleFunc("POST /proposals/{id}/comments", s.commentOnProposal)
	mux.HandleFunc("POST /proposals/{id}/withdraw", s.withdrawProposal)
	mux.HandleFunc("GET /join/{token}", s.showInviteLink)
	mux.HandleFunc("POST /join/{token}", s.acceptInviteLink)
	// End of communities and theme negotiation

	// Notifications: inbox, unread badge fragment, preferences, unsubscribe links
	mux.HandleFunc("GET /notifications", s.showNotifications)
	mux.HandleFunc("GET /notifications/unread", s.showUnreadBadge)
	// Not under /messages/, where the segment is a username.
	mux.HandleFunc("GET /notifications/unread-messages", s.showUnreadMessagesBadge)
	mux.HandleFunc("GET /notifications/{id}/open", s.openNotification)
	mux.HandleFunc("POST /notifications/read", s.markNotificationsRead)
	mux.HandleFunc("POST /notifications/read-all", s.markAllNotificationsRead)
	mux.HandleFunc("GET /settings/notifications", s.showNotificationPrefs)
	mux.HandleFunc("POST /settings/notifications", s.saveNotificationPrefs)
	mux.HandleFunc("GET /unsubscribe", s.showUnsubscribe)
	mux.HandleFunc("POST /unsubscribe", s.unsubscribe)
	// End of notifications

	// Direct messages: inbox, conversations, blocks, reports, the admins' report queue.
	// POST /messages/{username}/{action} is block or unblock (see changeBlock).
	mux.HandleFunc("GET /messages", s.showInbox)
	mux.HandleFunc("GET /messages/{username}", s.showConversation)
	mux.HandleFunc("POST /messages/{username}", s.sendMessage)
	mux.HandleFunc("POST /messages/{username}/{action}", s.changeBlock)
	mux.HandleFunc("POST /messages/report/{id}", s.reportMessage)
	mux.HandleFunc("GET /admin/message-reports", s.showMessageReports)
	mux.HandleFunc("POST /admin/message-reports/{id}", s.resolveMessageReport)
	// End of direct messages

	// Community briefings, announcements and streams
	mux.HandleFunc("GET /c/{id}/briefings", s.showBriefings)
	mux.HandleFunc("GET /c/{id}/briefings/new", s.newBriefingForm)
	mux.HandleFunc("GET /c/{id}/briefings/figures", s.showBriefingFigures)
	mux.HandleFunc("POST /c/{id}/briefings", s.createBriefing)
	mux.HandleFunc("GET /briefings/{id}", s.showBriefing)
	mux.HandleFunc("GET /briefings/{id}/edit", s.editBriefingForm)
	mux.HandleFunc("POST /briefings/{id}", s.updateBriefing)
	mux.HandleFunc("POST /briefings/{id}/publish", s.publishBriefing)
	mux.HandleFunc("POST /briefings/{id}/delete", s.deleteBriefing)
	mux.HandleFunc("GET /c/{id}/announcements", s.showCommunityAnnouncements)
	mux.HandleFunc("POST /c/{id}/announcements", s.postCommunityAnnouncement)
	mux.HandleFunc("POST /c/{id}/announcements/{aid}/delete", s.deleteCommunityAnnouncement)
	mux.HandleFunc("GET /c/{id}/activity", s.showCommunityActivity)
	mux.HandleFunc("GET /c/{id}/feed.atom", s.showCommunityFeed)
	// End of community briefings, announcements and streams

	// Community discussion
	mux.HandleFunc("GET /c/{id}/discuss", s.showDiscussion)
	mux.HandleFunc("POST /c/{id}/boards", s.createBoard)
	mux.HandleFunc("GET /c/{id}/topics/new", s.newTopicForm)
	mux.HandleFunc("POST /c/{id}/topics", s.createTopic)
	mux.HandleFunc("GET /c/{id}/members/suggest", s.suggestMembers)
	mux.HandleFunc("GET /c/{id}/reports", s.showReports)
	mux.HandleFunc("POST /reports/{id}", s.decideReport)
	mux.HandleFunc("GET /topics/{id}", s.showTopic)
	mux.HandleFunc("POST /topics/{id}", s.updateTopic)
	mux.HandleFunc("GET /topics/{id}/edit", s.editTopicForm)
	mux.HandleFunc("POST /topics/{id}/replies", s.createReply)
	mux.HandleFunc("GET /topics/{id}/revisions", s.showRevisions)
	mux.HandleFunc("POST /topics/{id}/pin", s.pinTopic)
	mux.HandleFunc("POST /topics/{id}/lock", s.lockTopic)
	mux.HandleFunc("POST /topics/{id}/move", s.moveTopic)
	mux.HandleFunc("POST /topics/{id}/hide", s.hideTopic)
	mux.HandleFunc("GET /topics/{id}/report", s.reportTopicForm)
	mux.HandleFunc("POST /topics/{id}/report", s.reportTopic)
	mux.HandleFunc("GET /replies/{id}", s.showReply)
	mux.HandleFunc("POST /replies/{id}", s.updateReply)
	mux.HandleFunc("GET /replies/{id}/edit", s.editReplyForm)
	mux.HandleFunc("POST /replies/{id}/like", s.likeReply)
	mux.HandleFunc("POST /replies/{id}/unlike", s.unlikeReply)
	mux.HandleFunc("POST /replies/{id}/expert", s.markExpertAnswer)
	mux.HandleFunc("POST /replies/{id}/hide", s.hideReply)
	mux.HandleFunc("GET /replies/{id}/report", s.reportReplyForm)
	mux.HandleFunc("POST /replies/{id}/report", s.reportReply)
	mux.HandleFunc("GET /attachments/{id}/{name}", s.serveAttachment)
	// End of community discussion

	mux.HandleFunc("/", s.notFound)
}

func (s *Server) notFound(w http.ResponseWriter, r *http.Request) {
	s.renderError(w, r, http.StatusNotFound, "error.not_found")
}
