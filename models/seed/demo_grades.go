package seed

import (
	"fmt"

	"github.com/nalgae/nalgae/models"
)

// The demo's grades (SPEC §12): every student rates every teammate and
// themself, every merchant rates its team, every team has an evaluation, so
// that the professor's grade sheet is full. One team is uneven: in
// 앤더이어's team (the fourth) one student carried less and rated
// themself high, and one teammate gave everyone the same score, so the
// peer-review summary shows both flags and the sheet a factor below 0.95.

// unevenTeam is the index of the demo team with an uneven peer review.
const unevenTeam = 3

// demoPeerMean is the mean score rater gives ratee (by their positions in
// the team), from which the five scores are spread; most teams rate each
// other about 4, with small differences that CATME's rounding absorbs.
func demoPeerMean(team, rater, ratee, size int) [5]int {
	if team == unevenTeam {
		switch {
		case rater == 0: // rates everyone alike
			return [5]int{4, 4, 4, 4, 4}
		case ratee == size-1 && rater == ratee: // the weak member, about themself
			return [5]int{5, 5, 5, 5, 5}
		case ratee == size-1:
			return [5]int{2, 3, 2, 3, 3}
		case rater == size-1 && ratee == 0:
			return [5]int{4, 4, 5, 4, 4}
		}
		return [5]int{4, 5, 4, 4, 5}
	}
	v := 4
	if (team+rater+2*ratee)%4 == 0 {
		v = 5
	}
	return [5]int{v, 4, v, 4, 4}
}

// demoEvaluations are the rubric totals' parts for teams without one yet
// (feedback() graded the first two).
var demoEvaluations = map[int]map[string]int{
	2: {"planning": 15, "execution": 24, "results": 22, "collaboration": 14},
	3: {"planning": 17, "execution": 26, "results": 24, "collaboration": 18},
	4: {"planning": 16, "execution": 25, "results": 27, "collaboration": 17},
	5: {"planning": 18, "execution": 24, "results": 25, "collaboration": 19},
	6: {"planning": 14, "execution": 23, "results": 21, "collaboration": 16},
	7: {"planning": 19, "execution": 28, "results": 26, "collaboration": 18},
	8: {"planning": 16, "execution": 27, "results": 25, "collaboration": 17},
}

// demoMerchantOveralls are each team's rating by its merchant.
var demoMerchantOveralls = []int{5, 5, 3, 4, 4, 5, 3, 4, 5}

func (d *demoSeeder) grades() error {
	for i, members := range d.members {
		for a, rater := range members {
			actor := models.Actor{UserID: rater.ID, Role: models.RoleStudent, IP: "seed"}
			for b, ratee := range members {
				sc := demoPeerMean(i, a, b, len(members))
				in := models.PeerReviewInput{Contributing: &sc[0], Interacting: &sc[1], KeepingOnTrack: &sc[2],
					ExpectingQuality: &sc[3], HavingSkills: &sc[4]}
				if _, err := d.s.PutPeerReview(d.ctx, actor, d.teams[i].ID, ratee.ID, in); err != nil {
					return fmt.Errorf("peer review: %w", err)
				}
			}
		}
		if scores, ok := demoEvaluations[i]; ok {
			in := models.EvaluationInput{Scores: scores, VisibleToTeam: ptr(false)}
			if _, err := d.s.CreateEvaluation(d.ctx, d.prof, d.teams[i].ID, in); err != nil {
				return fmt.Errorf("evaluation: %w", err)
			}
		}
		if err := d.merchantRating(i); err != nil {
			return err
		}
	}
	return nil
}

// merchantRating has team i's merchant rate it. The demo merchant login owns
// the first store; the other stores get owners who cannot log in (like the
// other students) so that each can rate its team through the Store.
func (d *demoSeeder) merchantRating(i int) error {
	owner := d.owner
	if i > 0 {
		u, err := d.createUser(fmt.Sprintf("owner%d@demo.nalgae.kr", i+1), fmt.Sprintf("%s 대표", demoTeams[i].merchant),
			models.RoleMerchant, d.hashes[len(demoLogins)])
		if err != nil {
			return err
		}
		if _, err := d.s.UpdateMerchant(d.ctx, d.admin, d.teams[i].MerchantID, models.MerchantInput{OwnerUserID: ptr(&u.ID)}); err != nil {
			return fmt.Errorf("merchant owner: %w", err)
		}
		owner = models.Actor{UserID: u.ID, Role: models.RoleMerchant, IP: "seed"}
	}
	overall := demoMerchantOveralls[i]
	skill := min(5, overall)
	in := models.MerchantRatingInput{Overall: &overall, Skills: models.MerchantSkills{Communication: &skill, Creativity: &skill,
		Professionalism: &skill, CriticalThinking: ptr(max(1, skill-1)), Employability: &skill},
		Comment: ptr("학생들이 매주 성실하게 결과를 공유해 주었습니다.")}
	if _, err := d.s.PutMerchantRating(d.ctx, owner, d.teams[i].ID, in); err != nil {
		return fmt.Errorf("merchant rating: %w", err)
	}
	if i == 0 {
		if _, err := d.s.ReleaseMerchantRating(d.ctx, d.prof, d.teams[i].ID, ptr(true), nil); err != nil {
			return fmt.Errorf("release the merchant rating: %w", err)
		}
	}
	return nil
}
