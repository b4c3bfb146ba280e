package api

import (
	"net/http"
	"strings"

	"github.com/labstack/echo/v4"

	"github.com/nalgae/nalgae/models"
)

// Route is one line of the route table: what it is, who may call it and the
// shapes it takes and gives. The OpenAPI document is built from this table,
// and the access rules named in Who are enforced in models.
type Route struct {
	Method  string
	Path    string // echo syntax: /teams/:id
	Public  bool   // callable without an access token
	Who     string
	Summary string
	Body    any // request body type; nil when there is none
	Resp    any // response body type; nil for 204
	Status  int // success status
	Query   []string
	// Consumes is the request's media type when it is not JSON
	// (multipart/form-data: an upload in the field "file").
	Consumes string
	// Produces is the success answer's media type when it is not JSON (a
	// file to download); Resp is then nil.
	Produces string
	handler  echo.HandlerFunc
	limited  bool // rate limited per client address
	// userInQuery: the handler checks the token's user in its own first
	// statement (authenticateInQuery), one query less than authenticate.
	userInQuery bool
}

// BasePath is where API v1 lives.
const BasePath = "/api/v1"

// Who-may-call phrases, per SPEC §3.
const (
	whoAnyone   = "anyone"
	whoUser     = "any logged-in user"
	whoAdmin    = "admin"
	whoReaders  = "admin; professors and city staff of the program; the team's students; the merchant's owner (404 for anyone else)"
	whoStaff    = "admin; professors of the program"
	whoWorkers  = "admin; professors of the program; the team's students"
	whoReport   = "admin; professors and city staff of the program"
	whoComments = "admin; professors of the program; the team's students; the merchant's owner"
	// whoAssessors enter self-reliance assessments (SPEC §13.1).
	whoAssessors = "admin; professors of the program; the team's students; the merchant's owner"
)

var list = []string{"limit", "cursor"}

// Routes is the route table of API v1.
func (s *Server) Routes() []Route {
	kpiParams := []string{"statuses", "before_from", "before_to", "after_from", "after_to", "lang"}
	return []Route{
		{Method: "POST", Path: "/auth/login", Public: true, limited: true, Who: whoAnyone, Summary: "Log in with email and password", Body: loginRequest{}, Resp: TokenResponse{}, Status: 200, handler: s.login},
		{Method: "POST", Path: "/auth/refresh", Public: true, limited: true, Who: whoAnyone, Summary: "Exchange a refresh token (body or cookie) for new tokens; a replayed token revokes its family", Body: refreshRequest{}, Resp: TokenResponse{}, Status: 200, handler: s.refresh},
		{Method: "POST", Path: "/auth/logout", Public: true, Who: whoAnyone, Summary: "Revoke a refresh token's family and clear the cookie", Body: refreshRequest{}, Status: 204, handler: s.logout},
		{Method: "GET", Path: "/me", Who: whoUser, Summary: "The logged-in user", Resp: models.User{}, Status: 200, handler: s.me},
		{Method: "PATCH", Path: "/me", Who: whoUser, Summary: "Change your own name, language or password (a new password ends every session, this one too)", Body: selfRequest{}, Resp: models.User{}, Status: 200, handler: s.updateMe},

		{Method: "GET", Path: "/users", Who: "admin; professors see students and merchants", Summary: "List users", Query: append([]string{"role", "q"}, list...), Resp: models.Page[models.User]{}, Status: 200, handler: s.listUsers},
		{Method: "POST", Path: "/users", Who: whoAdmin, Summary: "Create a user", Body: userRequest{}, Resp: models.User{}, Status: 201, handler: s.createUser},
		{Method: "GET", Path: "/users/:id", Who: "admin; yourself; professors: students and merchant owners", Summary: "Get a user", Resp: models.User{}, Status: 200, handler: s.getUser},
		{Method: "PATCH", Path: "/users/:id", Who: whoAdmin, Summary: "Change a user (disabling, a new role or a new password ends their sessions)", Body: userRequest{}, Resp: models.User{}, Status: 200, handler: s.updateUser},
		{Method: "POST", Path: "/users/:id/password", Who: whoAdmin, Summary: "Set a user's password; ends all their sessions (refresh tokens revoked, access tokens refused)", Body: passwordRequest{}, Status: 204, handler: s.resetPassword},
		{Method: "GET", Path: "/users/:id/export", Who: whoAdmin, Summary: "Everything stored about a user, as one JSON document: profile, staff roles, team memberships, merchants owned, comments, evaluations given, entries and sales reviewed or confirmed, audit events by and about them, session metadata (never a password or token hash); the export is audited", Resp: models.UserExport{}, Status: 200, handler: s.exportUser},
		{Method: "POST", Path: "/users/:id/anonymise", Who: whoAdmin, Summary: "Anonymise a user who leaves: name and email become placeholders, login is disabled, sessions are revoked, their comments' text is replaced; their teams' entries, sales and KPIs stay as they are; idempotent", Resp: models.User{}, Status: 200, handler: s.anonymiseUser},

		{Method: "GET", Path: "/programs", Who: whoUser, Summary: "List the programs you may read", Query: list, Resp: models.Page[models.Program]{}, Status: 200, handler: s.listPrograms},
		{Method: "POST", Path: "/programs", Who: whoAdmin, Summary: "Create a program", Body: programRequest{}, Resp: models.Program{}, Status: 201, handler: s.createProgram},
		{Method: "GET", Path: "/programs/:id", Who: whoReaders, Summary: "Get a program", Resp: models.Program{}, Status: 200, handler: s.getProgram},
		{Method: "PATCH", Path: "/programs/:id", Who: whoAdmin, Summary: "Change a program", Body: programRequest{}, Resp: models.Program{}, Status: 200, handler: s.updateProgram},
		{Method: "DELETE", Path: "/programs/:id", Who: whoAdmin, Summary: "Delete a program without teams", Status: 204, handler: s.deleteProgram},
		{Method: "GET", Path: "/programs/:id/staff", Who: whoReaders, Summary: "List a program's professors and city staff", Resp: StaffList{}, Status: 200, handler: s.listStaff},
		{Method: "POST", Path: "/programs/:id/staff", Who: whoAdmin, Summary: "Add a professor or city user to a program's staff. `role` (SPEC §1: professor or city) is optional; when sent it must be the user's own role (422 fields.role otherwise)", Body: staffRequest{}, Resp: models.ProgramStaff{}, Status: 201, handler: s.addStaff},
		{Method: "DELETE", Path: "/programs/:id/staff/:user_id", Who: whoAdmin, Summary: "Remove a user from a program's staff", Status: 204, handler: s.removeStaff},
		{Method: "GET", Path: "/programs/:id/teams", Who: whoReaders, Summary: "List a program's teams you may read", Query: list, Resp: models.Page[models.Team]{}, Status: 200, handler: s.listTeams},
		{Method: "POST", Path: "/programs/:id/teams", Who: whoStaff, Summary: "Create a team", Body: teamRequest{}, Resp: models.Team{}, Status: 201, handler: s.createTeam},
		{Method: "GET", Path: "/programs/:id/review-queue", Who: whoStaff, Summary: "Submitted entries and sales waiting for review", Resp: models.ReviewQueue{}, Status: 200, handler: s.reviewQueue},
		{Method: "GET", Path: "/programs/:id/report", Who: whoReport, Summary: "The program report (approved results by default)", Query: append([]string{"from", "to", "kind"}, kpiParams...), Resp: models.ProgramReport{}, Status: 200, handler: s.programReport},
		{Method: "GET", Path: "/programs/:id/report.csv", Who: whoReport, Summary: "The program report's team table as CSV (UTF-8 with BOM; formula-like text neutralised)", Query: append([]string{"from", "to", "kind"}, kpiParams...), Produces: contentTypeCSV, Status: 200, handler: s.reportCSV()},
		{Method: "GET", Path: "/programs/:id/report.xlsx", Who: whoReport, Summary: "The program report as an XLSX workbook: summary, teams and daily sheets", Query: append([]string{"from", "to", "kind"}, kpiParams...), Produces: contentTypeXLSX, Status: 200, handler: s.reportXLSX()},

		{Method: "GET", Path: "/merchants", Who: "admin and professors: all; others: their teams' merchants", Summary: "List merchants", Query: list, Resp: models.Page[models.Merchant]{}, Status: 200, handler: s.listMerchants},
		{Method: "POST", Path: "/merchants", Who: whoAdmin, Summary: "Create a merchant", Body: merchantRequest{}, Resp: models.Merchant{}, Status: 201, handler: s.createMerchant},
		{Method: "GET", Path: "/merchants/:id", Who: "admin and professors: all; others: their teams' merchants", Summary: "Get a merchant", Resp: models.Merchant{}, Status: 200, handler: s.getMerchant},
		{Method: "PATCH", Path: "/merchants/:id", Who: whoAdmin, Summary: "Change a merchant", Body: merchantRequest{}, Resp: models.Merchant{}, Status: 200, handler: s.updateMerchant},

		{Method: "GET", Path: "/teams", Who: whoUser, Summary: "List every team you may read (a student's or merchant's own teams)", Query: list, Resp: models.Page[models.Team]{}, Status: 200, handler: s.listTeams},
		{Method: "GET", Path: "/teams/:id", Who: whoReaders, Summary: "Get a team with its merchant and members", Resp: models.Team{}, Status: 200, handler: s.getTeam},
		{Method: "PATCH", Path: "/teams/:id", Who: whoStaff, Summary: "Change a team", Body: teamRequest{}, Resp: models.Team{}, Status: 200, handler: s.updateTeam},
		{Method: "DELETE", Path: "/teams/:id", Who: whoStaff, Summary: "Delete a team without campaigns or sales", Status: 204, handler: s.deleteTeam},
		{Method: "POST", Path: "/teams/:id/members", Who: whoStaff, Summary: "Add a student to a team", Body: memberRequest{}, Resp: models.TeamMember{}, Status: 201, handler: s.addMember},
		{Method: "DELETE", Path: "/teams/:id/members/:user_id", Who: whoStaff, Summary: "Remove a student from a team", Status: 204, handler: s.removeMember},
		{Method: "GET", Path: "/teams/:id/campaigns", Who: whoReaders, Summary: "List a team's campaigns", Query: list, Resp: models.Page[models.Campaign]{}, Status: 200, handler: s.listCampaigns},
		{Method: "POST", Path: "/teams/:id/campaigns", Who: whoWorkers, Summary: "Create a campaign", Body: campaignRequest{}, Resp: models.Campaign{}, Status: 201, handler: s.createCampaign},
		{Method: "GET", Path: "/teams/:id/sales", Who: whoReaders, Summary: "List a team's sales records", Query: append([]string{"statuses"}, list...), Resp: models.Page[models.SalesRecord]{}, Status: 200, handler: s.listSales},
		{Method: "POST", Path: "/teams/:id/sales", Who: whoWorkers, Summary: "Record the merchant's sales over a period", Body: salesRequest{}, Resp: models.SalesRecord{}, Status: 201, handler: s.createSales},
		{Method: "POST", Path: "/teams/:id/sales/imports", Who: whoWorkers + " (approved records: admin and professors only)", Summary: "Import a Smart Store sales export or the sales template into sales records; previews unless dry_run=false", Query: []string{"dry_run"}, Consumes: multipartForm, Resp: models.ImportResult{}, Status: 200, handler: s.importSales()},
		{Method: "GET", Path: "/teams/:id/kpis", Who: whoReaders, Summary: "A team's KPIs (every status by default)", Query: kpiParams, Resp: models.TeamKPIs{}, Status: 200, handler: s.teamKPIs, userInQuery: true},
		{Method: "GET", Path: "/teams/:id/comments", Who: whoComments, Summary: "List a team's comments", Query: append([]string{"campaign_id", "metric_id"}, list...), Resp: models.Page[models.Comment]{}, Status: 200, handler: s.listComments},
		{Method: "POST", Path: "/teams/:id/comments", Who: whoComments, Summary: "Comment on a team, a campaign or an entry", Body: commentRequest{}, Resp: models.Comment{}, Status: 201, handler: s.createComment},
		{Method: "GET", Path: "/teams/:id/evaluations", Who: "admin; professors of the program; the team's students see visible ones", Summary: "List a team's evaluations", Query: list, Resp: models.Page[models.Evaluation]{}, Status: 200, handler: s.listEvaluations},
		{Method: "POST", Path: "/teams/:id/evaluations", Who: whoStaff, Summary: "Grade a team against the rubric", Body: evaluationRequest{}, Resp: models.Evaluation{}, Status: 201, handler: s.createEvaluation},

		{Method: "GET", Path: "/teams/:id/targets", Who: whoReaders, Summary: "List a team's targets, each with its actual, attainment_pct and status (approved results, default windows)", Query: list, Resp: models.Page[models.Target]{}, Status: 200, handler: s.listTargets},
		{Method: "POST", Path: "/teams/:id/targets", Who: whoWorkers, Summary: "Set a target for one of the team's KPIs (not on a comparison team)", Body: targetRequest{}, Resp: models.Target{}, Status: 201, handler: s.createTarget},
		{Method: "GET", Path: "/targets/:id", Who: whoReaders, Summary: "Get a target with its attainment", Resp: models.Target{}, Status: 200, handler: s.getTarget},
		{Method: "PATCH", Path: "/targets/:id", Who: whoWorkers, Summary: "Change a target; version required", Body: targetRequest{}, Resp: models.Target{}, Status: 200, handler: s.updateTarget},
		{Method: "DELETE", Path: "/targets/:id", Who: whoWorkers, Summary: "Delete a target", Status: 204, handler: s.deleteTarget},

		{Method: "GET", Path: "/campaigns/:id", Who: whoReaders, Summary: "Get a campaign", Resp: models.Campaign{}, Status: 200, handler: s.getCampaign},
		{Method: "PATCH", Path: "/campaigns/:id", Who: whoWorkers, Summary: "Change a campaign", Body: campaignRequest{}, Resp: models.Campaign{}, Status: 200, handler: s.updateCampaign},
		{Method: "DELETE", Path: "/campaigns/:id", Who: whoWorkers, Summary: "Delete a campaign and its entries (refused while some are approved)", Status: 204, handler: s.deleteCampaign},
		{Method: "GET", Path: "/campaigns/:id/metrics", Who: whoReaders, Summary: "List a campaign's daily entries by date", Query: append([]string{"from", "to", "statuses"}, list...), Resp: models.Page[models.MetricEntry]{}, Status: 200, handler: s.listMetrics},
		{Method: "POST", Path: "/campaigns/:id/metrics", Who: whoWorkers, Summary: "Record a day's results: creates (201) or updates that date's entry (200)", Body: metricRequest{}, Resp: models.MetricEntry{}, Status: 201, handler: s.upsertMetric, userInQuery: true},
		{Method: "GET", Path: "/campaigns/:id/kpis", Who: whoReaders, Summary: "A campaign's KPIs (every status by default)", Query: kpiParams, Resp: models.CampaignKPIs{}, Status: 200, handler: s.campaignKPIs},
		{Method: "POST", Path: "/campaigns/:id/imports", Who: whoWorkers + " (approved entries: admin and professors only)", Summary: "Import a Naver SearchAd report (CSV, TSV, XLSX) or the live-commerce template into daily entries; previews unless dry_run=false", Query: []string{"dry_run"}, Consumes: multipartForm, Resp: models.ImportResult{}, Status: 200, handler: s.importMetrics()},

		{Method: "GET", Path: "/campaigns/:id/searchad-link", Who: whoReaders, Summary: "The campaign's Naver SearchAd link, without its keys (api_key_last4, last_pulled_at, last_error); 404 when not linked", Resp: models.SearchAdLink{}, Status: 200, handler: s.getSearchAdLink},
		{Method: "PUT", Path: "/campaigns/:id/searchad-link", Who: whoWorkers, Summary: "Link a search_ad or shopping_ad campaign to a SearchAd account (keys stored encrypted, write-only; absent keys are kept on a change); SearchAd is not contacted", Body: searchadLinkRequest{}, Resp: models.SearchAdLink{}, Status: 200, handler: s.putSearchAdLink},
		{Method: "DELETE", Path: "/campaigns/:id/searchad-link", Who: whoWorkers, Summary: "Unlink a campaign from SearchAd (its entries stay)", Status: 204, handler: s.deleteSearchAdLink},
		{Method: "POST", Path: "/campaigns/:id/searchad-pull", Who: whoWorkers, Summary: "Read days from..to from SearchAd and preview (dry_run true) or apply them as an import; approved days are kept and listed as warnings; changes lists each day created, updated or kept_approved with SearchAd's figures; 502 searchad_refused when SearchAd refuses the keys", Body: searchadPullRequest{}, Resp: models.ImportResult{}, Status: 200, handler: s.pullSearchAd},

		{Method: "GET", Path: "/metrics/:id", Who: whoReaders, Summary: "Get a daily entry", Resp: models.MetricEntry{}, Status: 200, handler: s.getMetric},
		{Method: "PATCH", Path: "/metrics/:id", Who: whoWorkers + " (approved entries: admin and professors only)", Summary: "Change a daily entry; version required", Body: metricRequest{}, Resp: models.MetricEntry{}, Status: 200, handler: s.updateMetric},
		{Method: "DELETE", Path: "/metrics/:id", Who: whoWorkers + " (approved entries: admin and professors only)", Summary: "Delete a daily entry", Status: 204, handler: s.deleteMetric},
		{Method: "POST", Path: "/metrics/:id/submit", Who: whoWorkers, Summary: "Submit a draft or returned entry for review", Body: transitionRequest{}, Resp: models.MetricEntry{}, Status: 200, handler: s.transitionMetric(models.ActionSubmit)},
		{Method: "POST", Path: "/metrics/:id/approve", Who: whoStaff, Summary: "Approve a submitted entry", Body: transitionRequest{}, Resp: models.MetricEntry{}, Status: 200, handler: s.transitionMetric(models.ActionApprove)},
		{Method: "POST", Path: "/metrics/:id/return", Who: whoStaff, Summary: "Return a submitted or approved entry with a note", Body: transitionRequest{}, Resp: models.MetricEntry{}, Status: 200, handler: s.transitionMetric(models.ActionReturn)},

		{Method: "GET", Path: "/metrics/:id/evidence", Who: whoReaders, Summary: "List a daily entry's evidence files, oldest first", Resp: EvidenceList{}, Status: 200, handler: s.listEvidence(models.EvidenceOfMetric)},
		{Method: "POST", Path: "/metrics/:id/evidence", Who: whoWorkers + " (approved and locked entries too)", Summary: "Attach a file to a daily entry (multipart field `file`): PNG, JPEG, PDF, XLSX or CSV by content, at most 10 MiB (413 beyond, 415 for another kind)", Consumes: multipartForm, Resp: models.Evidence{}, Status: 201, handler: s.addEvidence(models.EvidenceOfMetric)},
		{Method: "GET", Path: "/sales/:id", Who: whoReaders, Summary: "Get a sales record", Resp: models.SalesRecord{}, Status: 200, handler: s.getSales},
		{Method: "PATCH", Path: "/sales/:id", Who: whoWorkers + " (approved records: admin and professors only)", Summary: "Change a sales record; version required", Body: salesRequest{}, Resp: models.SalesRecord{}, Status: 200, handler: s.updateSales},
		{Method: "DELETE", Path: "/sales/:id", Who: whoWorkers + " (approved records: admin and professors only)", Summary: "Delete a sales record", Status: 204, handler: s.deleteSales},
		{Method: "POST", Path: "/sales/:id/submit", Who: whoWorkers, Summary: "Submit a sales record for review", Body: transitionRequest{}, Resp: models.SalesRecord{}, Status: 200, handler: s.transitionSales(models.ActionSubmit)},
		{Method: "POST", Path: "/sales/:id/confirm", Who: "admin; professors of the program; the merchant's owner", Summary: "Confirm that the sales figures are the merchant's own", Body: transitionRequest{}, Resp: models.SalesRecord{}, Status: 200, handler: s.transitionSales(models.ActionConfirm)},
		{Method: "POST", Path: "/sales/:id/dispute", Who: "admin; the merchant's owner", Summary: "Dispute a submitted or approved sales record with a note (required): it returns to the team (status returned, the note as review_note) and any confirmation is withdrawn", Body: transitionRequest{}, Resp: models.SalesRecord{}, Status: 200, handler: s.transitionSales(models.ActionDispute)},
		{Method: "POST", Path: "/sales/:id/approve", Who: whoStaff, Summary: "Approve a submitted sales record", Body: transitionRequest{}, Resp: models.SalesRecord{}, Status: 200, handler: s.transitionSales(models.ActionApprove)},
		{Method: "POST", Path: "/sales/:id/return", Who: whoStaff, Summary: "Return a sales record with a note", Body: transitionRequest{}, Resp: models.SalesRecord{}, Status: 200, handler: s.transitionSales(models.ActionReturn)},

		{Method: "DELETE", Path: "/comments/:id", Who: "the comment's author; admin and professors of the program", Summary: "Delete a comment", Status: 204, handler: s.deleteComment},
		{Method: "GET", Path: "/evaluations/:id", Who: "admin; professors of the program; the team's students when visible", Summary: "Get an evaluation", Resp: models.Evaluation{}, Status: 200, handler: s.getEvaluation},
		{Method: "PATCH", Path: "/evaluations/:id", Who: whoStaff, Summary: "Change an evaluation", Body: evaluationRequest{}, Resp: models.Evaluation{}, Status: 200, handler: s.updateEvaluation},
		{Method: "GET", Path: "/sales/:id/evidence", Who: whoReaders, Summary: "List a sales record's evidence files, oldest first", Resp: EvidenceList{}, Status: 200, handler: s.listEvidence(models.EvidenceOfSales)},
		{Method: "POST", Path: "/sales/:id/evidence", Who: whoWorkers + " (approved and locked records too)", Summary: "Attach a file to a sales record (multipart field `file`): PNG, JPEG, PDF, XLSX or CSV by content, at most 10 MiB (413 beyond, 415 for another kind)", Consumes: multipartForm, Resp: models.Evidence{}, Status: 201, handler: s.addEvidence(models.EvidenceOfSales)},
		{Method: "GET", Path: "/evidence/:id", Who: whoReaders, Summary: "Download an evidence file: an attachment of its sniffed type, with X-Content-Type-Options nosniff", Produces: "application/octet-stream", Status: 200, handler: s.getEvidence},
		{Method: "DELETE", Path: "/evidence/:id", Who: whoWorkers + " (an approved record's evidence: admin and professors only; a locked record's: no one, 409 locked)", Summary: "Delete an evidence file", Status: 204, handler: s.deleteEvidence},

		{Method: "GET", Path: "/imports/templates/sales.csv", Who: whoUser, Summary: "The sales CSV template (period_start, period_end, channel, sales_krw, orders)", Produces: contentTypeCSV, Status: 200, handler: s.template("sales.csv")},
		{Method: "GET", Path: "/imports/templates/live_commerce.csv", Who: whoUser, Summary: "The live-commerce CSV template (date, viewers, peak_viewers, likes, comments, duration_min, impressions, clicks, conversions, spend_krw, revenue_krw)", Produces: contentTypeCSV, Status: 200, handler: s.template("live_commerce.csv")},
		{Method: "GET", Path: "/programs/:id/rubric", Who: whoStaff, Summary: "A program's rubric (the default four criteria until its staff change it; version 0 while default)", Resp: models.ProgramRubric{}, Status: 200, handler: s.getRubric},
		{Method: "PUT", Path: "/programs/:id/rubric", Who: whoStaff, Summary: "Replace a program's rubric: unique snake_case keys, labels in Korean and English, max_points summing to 100; 409 rubric_in_use once a team is evaluated (the same rubric again: 200, no change)", Body: rubricRequest{}, Resp: models.ProgramRubric{}, Status: 200, handler: s.putRubric},
		{Method: "GET", Path: "/programs/:id/grading", Who: whoStaff, Summary: "A program's grading weights (default 70/15/15)", Resp: models.ProgramGrading{}, Status: 200, handler: s.getGrading},
		{Method: "PUT", Path: "/programs/:id/grading", Who: whoStaff, Summary: "Set the grading weights: integers summing to 100", Body: gradingRequest{}, Resp: models.ProgramGrading{}, Status: 200, handler: s.putGrading},
		{Method: "GET", Path: "/programs/:id/grades", Who: whoStaff + " (city staff and students: 403)", Summary: "Every student's final grade with its components, adjustment factor and missing pieces (SPEC §12.4)", Resp: models.GradeSheet{}, Status: 200, handler: s.programGrades},
		{Method: "GET", Path: "/programs/:id/grades.csv", Who: whoStaff + " (city staff and students: 403)", Summary: "The grade sheet as CSV for the learning system (UTF-8 with BOM; JSON field names as headers; missing joined with ;; null empty; formula-like text neutralised)", Produces: contentTypeCSV, Status: 200, handler: s.gradesCSV},
		{Method: "GET", Path: "/teams/:id/peer-reviews", Who: "admin and professors of the program: all; the team's students: the reviews they gave", Summary: "A team's peer reviews", Resp: models.PeerReviewList{}, Status: 200, handler: s.listPeerReviews},
		{Method: "PUT", Path: "/teams/:id/peer-reviews/:ratee_id", Who: "the team's students", Summary: "Rate a teammate (or yourself) on CATME's five dimensions, each 1–5; one review per rater and ratee, replaced by the next", Body: peerReviewRequest{}, Resp: models.PeerReview{}, Status: 200, handler: s.putPeerReview},
		{Method: "GET", Path: "/teams/:id/peer-review-summary", Who: whoStaff, Summary: "The team's peer-review matrix with each student's received mean, adjustment factor and flags (same_score_for_all, self_above_team)", Resp: models.PeerSummary{}, Status: 200, handler: s.peerReviewSummary},
		{Method: "GET", Path: "/teams/:id/merchant-rating", Who: "admin; professors of the program; the merchant's owner; the team's students once released", Summary: "The merchant's rating of the team", Resp: models.MerchantRating{}, Status: 200, handler: s.getMerchantRating},
		{Method: "PUT", Path: "/teams/:id/merchant-rating", Who: "the merchant's owner", Summary: "Rate the team: overall 1–5 (required), five skills 1–5 (optional), a comment", Body: merchantRatingRequest{}, Resp: models.MerchantRating{}, Status: 200, handler: s.putMerchantRating},
		{Method: "PATCH", Path: "/teams/:id/merchant-rating", Who: whoStaff, Summary: "Release the merchant's rating to the team's students (visible_to_team)", Body: releaseRequest{}, Resp: models.MerchantRating{}, Status: 200, handler: s.releaseMerchantRating},
		{Method: "GET", Path: "/rubric", Who: whoUser, Summary: "The grading rubric", Resp: RubricResponse{}, Status: 200, handler: s.rubric},
		{Method: "GET", Path: "/merchants/:id/consents", Who: "admin; the merchant's owner; professors and city staff of the merchant's programs (their programs only)", Summary: "Whether the merchant consents to be named in each program's published results (no record: not granted)", Resp: models.Page[models.MerchantConsent]{}, Status: 200, handler: s.listConsents},
		{Method: "PUT", Path: "/merchants/:id/consents/:program_id", Who: "the merchant's owner; admin and professors of the program recording a paper consent (note required)", Summary: "Grant or withdraw consent to be named in the program's publications (audited)", Body: consentRequest{}, Resp: models.MerchantConsent{}, Status: 200, handler: s.setConsent},
		{Method: "GET", Path: "/programs/:id/publications", Who: whoReport, Summary: "A program's publications with edits_since", Query: list, Resp: models.Page[models.Publication]{}, Status: 200, handler: s.listPublications},
		{Method: "POST", Path: "/programs/:id/publications", Who: whoReport, Summary: "Freeze the report (approved results; merchants without consent anonymised; small by_kind counts suppressed) into a publication; locks what it published", Body: publicationRequest{}, Resp: models.Publication{}, Status: 201, handler: s.publish},
		{Method: "POST", Path: "/programs/:id/unlock", Who: whoAdmin, Summary: "Lift every lock of the program's publications, with a reason (audited)", Body: unlockRequest{}, Resp: UnlockResponse{}, Status: 200, handler: s.unlockProgram},
		{Method: "GET", Path: "/publications/:id", Who: whoReport, Summary: "A publication's metadata with edits_since", Resp: models.Publication{}, Status: 200, handler: s.getPublication},
		{Method: "GET", Path: "/publications/:id/report.json", Who: whoReport, Summary: "The frozen report's exact stored bytes; sha256 is their SHA-256 (also in X-Content-SHA256)", Produces: "application/json", Status: 200, handler: s.publicationJSON},
		{Method: "GET", Path: "/publications/:id/report.csv", Who: whoReport, Summary: "The frozen report's team table as CSV", Produces: contentTypeCSV, Status: 200, handler: s.publicationCSV()},
		{Method: "GET", Path: "/publications/:id/report.xlsx", Who: whoReport, Summary: "The frozen report as an XLSX workbook", Produces: contentTypeXLSX, Status: 200, handler: s.publicationXLSX()},
		{Method: "POST", Path: "/publications/:id/share", Who: whoReport, Summary: "Create a public link (a new random token of 192 bits; a previous one stops working)", Resp: models.Publication{}, Status: 201, handler: s.sharePublication},
		{Method: "DELETE", Path: "/publications/:id/share", Who: whoReport, Summary: "Revoke the public link (404 afterwards)", Status: 204, handler: s.revokeShare},
		{Method: "GET", Path: "/public/publications/:token", Public: true, Who: whoAnyone, Summary: "A shared publication's frozen report (the same bytes as report.json), without login", Produces: "application/json", Status: 200, handler: s.publicPublication},
		{Method: "GET", Path: "/self-reliance", Who: whoUser, Summary: "The digital self-reliance assessment (SPEC §13.1): its four areas, twelve statements in Korean and English, the labelled 1–5 scale and the stages", Resp: SelfRelianceResponse{}, Status: 200, handler: s.selfReliance},
		{Method: "GET", Path: "/merchants/:id/assessments", Who: whoReaders, Summary: "A merchant's self-reliance assessments in the programs where you may read its team, each with its unrounded scores", Query: list, Resp: models.Page[models.Assessment]{}, Status: 200, handler: s.listAssessments},
		{Method: "POST", Path: "/merchants/:id/assessments", Who: whoAssessors, Summary: "Record a merchant's assessment at one stage of a program: all twelve answers 1–5, one per merchant, program and stage (409 duplicate); allowed on a closed program; entered_by records who", Body: assessmentRequest{}, Resp: models.Assessment{}, Status: 201, handler: s.createAssessment},
		{Method: "GET", Path: "/assessments/:id", Who: whoReaders, Summary: "Get an assessment with its scores", Resp: models.Assessment{}, Status: 200, handler: s.getAssessment},
		{Method: "PATCH", Path: "/assessments/:id", Who: whoAssessors, Summary: "Change an assessment; version required", Body: assessmentRequest{}, Resp: models.Assessment{}, Status: 200, handler: s.updateAssessment},
		{Method: "GET", Path: "/programs/:id/followups", Who: whoReaders + "; students and merchants see their own teams' follow-ups; city staff never see note", Summary: "A program's follow-ups after its end (SPEC §13.2), with overdue; state: open, overdue or answered", Query: append([]string{"state"}, list...), Resp: models.Page[models.FollowUp]{}, Status: 200, handler: s.listFollowUps},
		{Method: "POST", Path: "/followups/:id/answer", Who: "admin; professors of the program (answered_by_staff: on the merchant's behalf); the merchant's owner", Summary: "Answer a follow-up: answered_on and still_selling_online required, channels_active (campaign kinds), monthly_sales_krw, note; allowed on a closed program; send version to change an answer", Body: followUpAnswerRequest{}, Resp: models.FollowUp{}, Status: 200, handler: s.answerFollowUp},
		{Method: "GET", Path: "/teams/:id/handover.xlsx", Who: "admin; professors of the program; the team's students; the merchant's owner", Summary: "The merchant's hand-over workbook (Korean): a guide sheet, then campaigns, daily entries, sales, KPIs, targets, assessments and follow-ups", Produces: contentTypeXLSX, Status: 200, handler: s.handoverXLSX},
		{Method: "GET", Path: "/audit", Who: "admin; professors see their programs' events", Summary: "The audit log, newest first", Query: append([]string{"entity", "entity_id", "program_id"}, list...), Resp: models.Page[models.AuditEvent]{}, Status: 200, handler: s.listAudit},
	}
}

// register mounts the route table, the documents and the SPA.
func (s *Server) register() {
	e := s.echo
	e.GET("/healthz", s.healthz)
	e.GET("/readyz", s.readyz)
	e.GET("/metrics", s.metrics())
	v1 := e.Group(BasePath)
	limiter := s.loginLimiter()
	for _, r := range s.Routes() {
		var mw []echo.MiddlewareFunc
		if r.limited {
			mw = append(mw, limiter)
		}
		switch {
		case r.userInQuery:
			mw = append(mw, s.authenticateInQuery)
		case !r.Public:
			mw = append(mw, s.authenticate)
		}
		v1.Add(r.Method, r.Path, r.handler, mw...)
	}
	s.registerDocs(v1)
	// Anything else under /api is a JSON 404 (or 405), never the SPA page.
	e.Any("/api/*", s.apiNotFound)
	e.GET("/*", s.spa)
	e.HEAD("/*", s.spa)
}

// apiNotFound answers an unknown /api path. The catch-all also receives known
// paths called with the wrong method, which must be 405 with an Allow header.
func (s *Server) apiNotFound(c echo.Context) error {
	var allowed []string
	probe := s.echo.NewContext(c.Request(), nil)
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete} {
		s.echo.Router().Find(m, c.Request().URL.Path, probe)
		if p := probe.Path(); p != "" && p != "/api/*" {
			allowed = append(allowed, m)
		}
	}
	if len(allowed) == 0 {
		return models.ErrNotFound
	}
	c.Response().Header().Set(echo.HeaderAllow, strings.Join(allowed, ", "))
	return echo.ErrMethodNotAllowed
}
