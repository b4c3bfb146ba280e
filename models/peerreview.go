package models

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/grade"
)

// PeerScores are CATME's five dimensions, each 1–5 (SPEC §12.2).
type PeerScores struct {
	Contributing     int `json:"contributing" gorm:"column:score_contributing;not null"`
	Interacting      int `json:"interacting" gorm:"column:score_interacting;not null"`
	KeepingOnTrack   int `json:"keeping_on_track" gorm:"column:score_keeping_on_track;not null"`
	ExpectingQuality int `json:"expecting_quality" gorm:"column:score_expecting_quality;not null"`
	HavingSkills     int `json:"having_skills" gorm:"column:score_having_skills;not null"`
}

// Mean is the mean of the five scores, the unit of the adjustment factor.
func (s PeerScores) Mean() float64 {
	return grade.MeanOf(s.Contributing, s.Interacting, s.KeepingOnTrack, s.ExpectingQuality, s.HavingSkills)
}

// PeerReview is one student's rating of a teammate (or of themself).
type PeerReview struct {
	ID        uint64     `json:"id" gorm:"primaryKey"`
	TeamID    uint64     `json:"team_id" gorm:"not null"`
	RaterID   uint64     `json:"rater_id" gorm:"not null"`
	RateeID   uint64     `json:"ratee_id" gorm:"not null"`
	Scores    PeerScores `json:"scores" gorm:"embedded"`
	Comment   string     `json:"comment" gorm:"not null;default:''"`
	Version   int64      `json:"version" gorm:"not null;default:1"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// PeerReviewInput is a whole review; every score is required.
type PeerReviewInput struct {
	Contributing, Interacting, KeepingOnTrack, ExpectingQuality, HavingSkills *int
	Comment                                                                   *string
	Version                                                                   *int64
}

func (in PeerReviewInput) scores(p Problems) PeerScores {
	var out PeerScores
	for _, sc := range []struct {
		name string
		v    *int
		dst  *int
	}{
		{"contributing", in.Contributing, &out.Contributing},
		{"interacting", in.Interacting, &out.Interacting},
		{"keeping_on_track", in.KeepingOnTrack, &out.KeepingOnTrack},
		{"expecting_quality", in.ExpectingQuality, &out.ExpectingQuality},
		{"having_skills", in.HavingSkills, &out.HavingSkills},
	} {
		switch {
		case sc.v == nil:
			p.Add("scores."+sc.name, "is required")
		case *sc.v < 1 || *sc.v > 5:
			p.Add("scores."+sc.name, "must be an integer from 1 to 5")
		default:
			*sc.dst = *sc.v
		}
	}
	return out
}

// teamStudentIDs are the ids of the team's members (all students).
func teamStudentIDs(tx *gorm.DB, teamID uint64) ([]uint64, error) {
	var ids []uint64
	if err := tx.Model(&TeamMember{}).Where("team_id = ?", teamID).Order("user_id").Pluck("user_id", &ids).Error; err != nil {
		return nil, fmt.Errorf("team members: %w", err)
	}
	return ids, nil
}

// PutPeerReview creates or replaces the actor's review of ratee in a team.
// Only the team's students rate; the ratee must be on the team too.
func (s *Store) PutPeerReview(ctx context.Context, actor Actor, teamID, rateeID uint64, in PeerReviewInput) (*PeerReview, error) {
	var out *PeerReview
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		t, rel, err := loadTeam(tx, actor, teamID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canPeerReview()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		p := Problems{}
		members, err := teamStudentIDs(tx, teamID)
		if err != nil {
			return nil, err
		}
		onTeam := false
		for _, m := range members {
			onTeam = onTeam || m == rateeID
		}
		p.Check(!onTeam, "ratee_id", "is not a student of this team")
		scores := in.scores(p)
		comment := ""
		if in.Comment != nil {
			checkText(p, "comment", *in.Comment, 2000, false)
			comment = strings.TrimSpace(*in.Comment)
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		var r PeerReview
		err = tx.Where("team_id = ? AND rater_id = ? AND ratee_id = ?", teamID, actor.UserID, rateeID).First(&r).Error
		if errors.Is(err, gorm.ErrRecordNotFound) {
			if in.Version != nil && *in.Version != 0 {
				return nil, errVersion(0)
			}
			r = PeerReview{TeamID: teamID, RaterID: actor.UserID, RateeID: rateeID, Scores: scores, Comment: comment, Version: 1}
			if err := tx.Create(&r).Error; err != nil {
				return nil, duplicate(err, "a review of this teammate")
			}
			out = &r
			return []audit{{action: "create", entity: "peer_review", entityID: r.ID, programID: t.ProgramID, after: r}}, nil
		}
		if err != nil {
			return nil, fmt.Errorf("load the review: %w", err)
		}
		if err := checkVersion(in.Version, r.Version); err != nil {
			return nil, err
		}
		before := r
		r.Scores, r.Comment = scores, comment
		out = &r
		if r.Scores == before.Scores && r.Comment == before.Comment {
			return nil, nil
		}
		r.Version++
		if err := saveVersioned(tx, &r, r.ID, before.Version); err != nil {
			return nil, err
		}
		return []audit{{action: "update", entity: "peer_review", entityID: r.ID, programID: t.ProgramID, before: before, after: r}}, nil
	})
	return out, err
}

// PeerReviewList is the answer of GET /teams/{id}/peer-reviews.
type PeerReviewList struct {
	Items []PeerReview `json:"items"`
}

// ListPeerReviews answers a team's reviews: all of them to staff, the ones
// they gave to a student of the team. A student never reads others' reviews
// of them one by one; their factor shows on the grade sheet only.
func (s *Store) ListPeerReviews(ctx context.Context, actor Actor, teamID uint64) (*PeerReviewList, error) {
	tx := s.db.WithContext(ctx)
	_, rel, err := loadTeam(tx, actor, teamID)
	if err != nil {
		return nil, err
	}
	if err := allow(rel, rel.canReadPeerReviews()); err != nil {
		return nil, err
	}
	q := tx.Where("team_id = ?", teamID)
	if !rel.seesAllPeerReviews() {
		q = q.Where("rater_id = ?", actor.UserID)
	}
	out := PeerReviewList{Items: []PeerReview{}}
	if err := q.Order("rater_id, ratee_id").Find(&out.Items).Error; err != nil {
		return nil, fmt.Errorf("list peer reviews: %w", err)
	}
	return &out, nil
}

// PeerSummary is the professor's view of a team's peer review: every
// student's factor and the flags that ask for a second look.
type PeerSummary struct {
	TeamID   uint64           `json:"team_id"`
	Students []PeerStudentRow `json:"students"`
	Items    []PeerReview     `json:"items"`
}

// PeerStudentRow is one student of a team in the peer-review summary.
type PeerStudentRow struct {
	StudentID uint64 `json:"student_id"`
	Name      string `json:"name"`
	// Received is r: the mean over teammates who rated them of each one's
	// mean score; null when nobody did.
	Received *float64 `json:"received"`
	// SelfMean is the mean of their rating of themself.
	SelfMean *float64 `json:"self_mean"`
	AF       *float64 `json:"af"`
	AFRaw    *float64 `json:"af_raw"`
	Given    int      `json:"given"`
	// Flags: `same_score_for_all` — they gave every teammate (two or more)
	// the same mean score, so their ratings tell nothing apart;
	// `self_above_team` — their self-rating is a point or more above what
	// their teammates gave them.
	Flags []string `json:"flags"`
}

// selfAboveTeamGap is how far (in points of the 1–5 scale) a self-rating
// must exceed what teammates gave before it is flagged: one whole level of
// the behavioural anchors.
const selfAboveTeamGap = 1.0

// PeerReviewSummary answers the matrix of a team's reviews with the factors
// and flags (staff).
func (s *Store) PeerReviewSummary(ctx context.Context, actor Actor, teamID uint64) (*PeerSummary, error) {
	tx := s.db.WithContext(ctx)
	_, rel, err := loadTeam(tx, actor, teamID)
	if err != nil {
		return nil, err
	}
	if err := allow(rel, rel.canGrade()); err != nil {
		return nil, err
	}
	var members []struct {
		UserID uint64
		Name   string
	}
	err = tx.Table("team_members").Select("team_members.user_id, users.name").
		Joins("JOIN users ON users.id = team_members.user_id").
		Where("team_members.team_id = ?", teamID).Order("users.name, team_members.user_id").Scan(&members).Error
	if err != nil {
		return nil, fmt.Errorf("team members: %w", err)
	}
	out := PeerSummary{TeamID: teamID, Students: []PeerStudentRow{}, Items: []PeerReview{}}
	if err := tx.Where("team_id = ?", teamID).Order("rater_id, ratee_id").Find(&out.Items).Error; err != nil {
		return nil, fmt.Errorf("list peer reviews: %w", err)
	}
	ids := make([]uint64, len(members))
	for i, m := range members {
		ids[i] = m.UserID
	}
	factors := grade.Factors(ids, ratingsOf(out.Items))
	received := receivedMeans(ids, out.Items)
	for _, m := range members {
		row := PeerStudentRow{StudentID: m.UserID, Name: m.Name, Flags: []string{},
			AF: factors[m.UserID].AF, AFRaw: factors[m.UserID].AFRaw}
		if r, ok := received[m.UserID]; ok {
			row.Received = &r
		}
		given := map[float64]int{}
		for _, r := range out.Items {
			if r.RaterID != m.UserID {
				continue
			}
			row.Given++
			if r.RateeID == m.UserID {
				row.SelfMean = ptr(r.Scores.Mean())
			} else {
				given[r.Scores.Mean()]++
			}
		}
		if others := row.Given - btoi(row.SelfMean != nil); others >= 2 && len(given) == 1 {
			row.Flags = append(row.Flags, "same_score_for_all")
		}
		if row.SelfMean != nil && row.Received != nil && *row.SelfMean-*row.Received >= selfAboveTeamGap {
			row.Flags = append(row.Flags, "self_above_team")
		}
		out.Students = append(out.Students, row)
	}
	return &out, nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func ratingsOf(reviews []PeerReview) []grade.Rating {
	out := make([]grade.Rating, len(reviews))
	for i, r := range reviews {
		out[i] = grade.Rating{Rater: r.RaterID, Ratee: r.RateeID, Mean: r.Scores.Mean()}
	}
	return out
}

// receivedMeans is r per student of ids (teammates' ratings only), for the
// summary; the factor itself comes from grade.Factors.
func receivedMeans(ids []uint64, reviews []PeerReview) map[uint64]float64 {
	member := map[uint64]bool{}
	for _, id := range ids {
		member[id] = true
	}
	sum, n := map[uint64]float64{}, map[uint64]int{}
	for _, r := range reviews {
		if r.RaterID == r.RateeID || !member[r.RaterID] || !member[r.RateeID] {
			continue
		}
		sum[r.RateeID] += r.Scores.Mean()
		n[r.RateeID]++
	}
	out := map[uint64]float64{}
	for id, s := range sum {
		out[id] = s / float64(n[id])
	}
	return out
}
