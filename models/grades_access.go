package models

// Who may do what with grades (SPEC §12), beside access.go's rules and in
// the same terms: a relation to a program or a team.

// canGrade: the rubric, the grading weights, the grade sheet and the peer
// review matrix are the staff's (admins and the program's professors); city
// staff never receive students' grades or reviews.
func (r relation) canGrade() bool { return r.canEvaluate() }

// canPeerReview: only the team's students rate each other.
func (r relation) canPeerReview() bool { return r.has(relMember) }

// canReadPeerReviews: staff read all of a team's reviews, a student the
// ones they gave (seesAllPeerReviews tells which).
func (r relation) canReadPeerReviews() bool    { return r.canGrade() || r.has(relMember) }
func (r relation) seesAllPeerReviews() bool    { return r.canGrade() }
func (r relation) canRateTeamAsMerchant() bool { return r.has(relOwner) }

// canReadMerchantRating: the merchant's owner and staff always; the team's
// students once staff have released it. Before that a student is answered
// as if there were none (404), like an evaluation not yet visible.
func (r relation) canReadMerchantRating(visibleToTeam bool) bool {
	return r.canGrade() || r.has(relOwner) || (r.has(relMember) && visibleToTeam)
}
func (r relation) mayReadMerchantRatings() bool { return r.canGrade() || r.has(relOwner|relMember) }
