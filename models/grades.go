package models

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/grade"
)

// GradeRow is one student's final grade with every component (SPEC §12.4).
// Percentages and the grade are unrounded; a missing component is null and
// named in Missing (rubric, merchant, targets, peer_review).
type GradeRow struct {
	StudentID   uint64   `json:"student_id"`
	Name        string   `json:"name"`
	Email       string   `json:"email"`
	TeamID      uint64   `json:"team_id"`
	TeamName    string   `json:"team_name"`
	RubricPct   *float64 `json:"rubric_pct"`
	MerchantPct *float64 `json:"merchant_pct"`
	TargetsPct  *float64 `json:"targets_pct"`
	TeamGrade   *float64 `json:"team_grade"`
	AF          *float64 `json:"af"`
	AFRaw       *float64 `json:"af_raw"`
	FinalGrade  *float64 `json:"final_grade"`
	Missing     []string `json:"missing"`
}

// GradeSheet is the answer of GET /programs/{id}/grades: a row per student
// of each team, by team name then student name, and the weights used.
type GradeSheet struct {
	ProgramID uint64         `json:"program_id"`
	Weights   ProgramGrading `json:"weights"`
	Items     []GradeRow     `json:"items"`
}

// ProgramGrades computes every student's final grade in a program (staff
// only: city staff and students never receive students' grades). A fixed
// number of queries whatever the number of teams and students.
func (s *Store) ProgramGrades(ctx context.Context, actor Actor, programID uint64) (*GradeSheet, error) {
	tx := s.db.WithContext(ctx)
	_, rel, err := loadProgram(tx, actor, programID)
	if err != nil {
		return nil, err
	}
	if err := allow(rel, rel.canGrade()); err != nil {
		return nil, err
	}
	weights, err := programGrading(tx, programID)
	if err != nil {
		return nil, err
	}
	var teams []Team
	if err := tx.Where("program_id = ?", programID).Order("name, id").Find(&teams).Error; err != nil {
		return nil, fmt.Errorf("teams: %w", err)
	}
	teamIDs := make([]uint64, len(teams))
	for i, t := range teams {
		teamIDs[i] = t.ID
	}
	in, err := gradeInputs(tx, teamIDs)
	if err != nil {
		return nil, err
	}
	targets, err := TeamTargets(tx, teamIDs, s.today())
	if err != nil {
		return nil, err
	}
	sheet := &GradeSheet{ProgramID: programID, Weights: *weights, Items: []GradeRow{}}
	for _, t := range teams {
		var rubricPct, merchantPct *float64
		if total, ok := in.rubricTotal[t.ID]; ok {
			rubricPct = ptr(grade.RubricPct(total))
		}
		if overall, ok := in.merchantOverall[t.ID]; ok {
			merchantPct = ptr(grade.MerchantPct(overall))
		}
		attainments := make([]*float64, len(targets[t.ID]))
		for i, tg := range targets[t.ID] {
			attainments[i] = tg.AttainmentPct
		}
		targetsPct := grade.TargetsPct(attainments)
		teamGrade, missing := grade.TeamGrade(weights.weights(), rubricPct, merchantPct, targetsPct)
		students := in.members[t.ID]
		ids := make([]uint64, len(students))
		for i, m := range students {
			ids[i] = m.UserID
		}
		factors := grade.Factors(ids, in.ratings[t.ID])
		for _, m := range students {
			f := factors[m.UserID]
			row := GradeRow{StudentID: m.UserID, Name: m.Name, Email: m.Email, TeamID: t.ID, TeamName: t.Name,
				RubricPct: rubricPct, MerchantPct: merchantPct, TargetsPct: targetsPct, TeamGrade: teamGrade,
				AF: f.AF, AFRaw: f.AFRaw, FinalGrade: grade.Final(teamGrade, f.AF), Missing: slices.Clone(missing)}
			if f.AF == nil {
				row.Missing = append(row.Missing, grade.PeerReview)
			}
			sheet.Items = append(sheet.Items, row)
		}
	}
	return sheet, nil
}

// gradeInputs is what the grade sheet reads of a set of teams.
type gradeInputsOf struct {
	members         map[uint64][]gradeMember
	rubricTotal     map[uint64]int // the most recently created evaluation's
	merchantOverall map[uint64]int
	ratings         map[uint64][]grade.Rating
}

type gradeMember struct {
	TeamID uint64
	UserID uint64
	Name   string
	Email  string
}

func gradeInputs(tx *gorm.DB, teamIDs []uint64) (*gradeInputsOf, error) {
	in := &gradeInputsOf{members: map[uint64][]gradeMember{}, rubricTotal: map[uint64]int{},
		merchantOverall: map[uint64]int{}, ratings: map[uint64][]grade.Rating{}}
	if len(teamIDs) == 0 {
		return in, nil
	}
	var members []gradeMember
	err := tx.Table("team_members").Select("team_members.team_id, team_members.user_id, users.name, users.email").
		Joins("JOIN users ON users.id = team_members.user_id").
		Where("team_members.team_id IN ?", teamIDs).Scan(&members).Error
	if err != nil {
		return nil, fmt.Errorf("team members: %w", err)
	}
	slices.SortFunc(members, func(a, b gradeMember) int {
		return cmp.Or(cmp.Compare(a.Name, b.Name), cmp.Compare(a.UserID, b.UserID))
	})
	for _, m := range members {
		in.members[m.TeamID] = append(in.members[m.TeamID], m)
	}
	// Newest first, so the first evaluation met per team is the one that
	// counts; the id breaks a tie of two created in the same instant.
	var evals []Evaluation
	err = tx.Select("id, team_id, total, created_at").Where("team_id IN ?", teamIDs).
		Order("created_at DESC, id DESC").Find(&evals).Error
	if err != nil {
		return nil, fmt.Errorf("evaluations: %w", err)
	}
	for _, e := range evals {
		if _, seen := in.rubricTotal[e.TeamID]; !seen {
			in.rubricTotal[e.TeamID] = e.Total
		}
	}
	var ratings []MerchantRating
	if err := tx.Select("team_id, overall").Where("team_id IN ?", teamIDs).Find(&ratings).Error; err != nil {
		return nil, fmt.Errorf("merchant ratings: %w", err)
	}
	for _, r := range ratings {
		in.merchantOverall[r.TeamID] = r.Overall
	}
	var reviews []PeerReview
	if err := tx.Where("team_id IN ?", teamIDs).Find(&reviews).Error; err != nil {
		return nil, fmt.Errorf("peer reviews: %w", err)
	}
	for _, r := range reviews {
		in.ratings[r.TeamID] = append(in.ratings[r.TeamID], grade.Rating{Rater: r.RaterID, Ratee: r.RateeID, Mean: r.Scores.Mean()})
	}
	return in, nil
}
