package models

import (
	"context"
	"strings"

	"gorm.io/gorm"
)

// TeamInput is a new team or the fields to change (nil = keep).
type TeamInput struct {
	Name       *string
	MerchantID *uint64
	Comparison *bool // only on creation: a comparison team (SPEC §10.2)
	Version    *int64
}

func (in TeamInput) validate(tx *gorm.DB, creating bool) error {
	p := Problems{}
	if creating {
		p.Check(in.Name == nil, "name", "is required")
		p.Check(in.MerchantID == nil, "merchant_id", "is required")
	}
	p.Check(!creating && in.Comparison != nil, "comparison", "is set only when the team is created")
	if in.Name != nil {
		checkText(p, "name", *in.Name, 200, true)
	}
	if in.MerchantID != nil {
		var m Merchant
		p.Check(first(tx, &m, *in.MerchantID) != nil, "merchant_id", "no such merchant")
	}
	return p.Err()
}

// CreateTeam adds a team to a program (admins and the program's professors).
func (s *Store) CreateTeam(ctx context.Context, actor Actor, programID uint64, in TeamInput) (*Team, error) {
	var t Team
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		_, rel, err := loadProgram(tx, actor, programID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canManageTeams()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, programID); err != nil {
			return nil, err
		}
		if err := in.validate(tx, true); err != nil {
			return nil, err
		}
		t = Team{ProgramID: programID, Name: strings.TrimSpace(*in.Name), MerchantID: *in.MerchantID, Comparison: deref(in.Comparison, false), Version: 1}
		if err := tx.Create(&t).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "create", entity: "team", entityID: t.ID, programID: programID, after: t}}, nil
	})
	if err != nil {
		return nil, err
	}
	return s.GetTeam(ctx, actor, t.ID)
}

// GetTeam loads a team with its merchant and members. City staff and
// merchants do not see the students' email addresses.
func (s *Store) GetTeam(ctx context.Context, actor Actor, id uint64) (*Team, error) {
	tx := s.db.WithContext(ctx)
	t, rel, err := loadTeam(tx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := fillTeams(tx, []*Team{t}, rel.seesEmails()); err != nil {
		return nil, err
	}
	return t, nil
}

// fillTeams attaches merchants and members to teams in two queries.
func fillTeams(tx *gorm.DB, teams []*Team, withEmails bool) error {
	if len(teams) == 0 {
		return nil
	}
	teamIDs := make([]uint64, len(teams))
	merchantIDs := make([]uint64, len(teams))
	for i, t := range teams {
		teamIDs[i], merchantIDs[i] = t.ID, t.MerchantID
	}
	var merchants []Merchant
	if err := tx.Where("id IN ?", merchantIDs).Find(&merchants).Error; err != nil {
		return err
	}
	byID := map[uint64]*Merchant{}
	for i := range merchants {
		byID[merchants[i].ID] = &merchants[i]
	}
	var members []TeamMember
	if err := tx.Where("team_id IN ?", teamIDs).Order("id").Find(&members).Error; err != nil {
		return err
	}
	userIDs := make([]uint64, len(members))
	for i, m := range members {
		userIDs[i] = m.UserID
	}
	users, err := usersByID(tx, userIDs)
	if err != nil {
		return err
	}
	byTeam := map[uint64][]TeamMember{}
	for _, m := range members {
		m.Name = users[m.UserID].Name
		if withEmails {
			m.Email = users[m.UserID].Email
		}
		byTeam[m.TeamID] = append(byTeam[m.TeamID], m)
	}
	for _, t := range teams {
		t.Merchant = byID[t.MerchantID]
		t.Members = byTeam[t.ID]
		if t.Members == nil {
			t.Members = []TeamMember{}
		}
	}
	return nil
}

// TeamFilter narrows ListTeams; ProgramID 0 means every program.
type TeamFilter struct {
	ProgramID uint64
	ListOptions
}

// ListTeams lists the teams the actor may read: of one program (which the
// actor must be able to read), or across programs ("my teams").
func (s *Store) ListTeams(ctx context.Context, actor Actor, f TeamFilter) (Page[Team], error) {
	tx := s.db.WithContext(ctx)
	q := tx.Model(&Team{}).Where("teams.id IN (?)", readableTeamIDs(tx, actor))
	seesEmails := seesTeamEmails(actor)
	if f.ProgramID != 0 {
		_, rel, err := loadProgram(tx, actor, f.ProgramID)
		if err != nil {
			return Page[Team]{}, err
		}
		seesEmails = rel.seesEmails()
		q = q.Where("program_id = ?", f.ProgramID)
	}
	page, err := paginate(q, "teams.id", f.ListOptions, func(t Team) uint64 { return t.ID })
	if err != nil {
		return page, err
	}
	ptrs := make([]*Team, len(page.Items))
	for i := range page.Items {
		ptrs[i] = &page.Items[i]
	}
	return page, fillTeams(tx, ptrs, seesEmails)
}

// UpdateTeam renames a team or changes its merchant.
func (s *Store) UpdateTeam(ctx context.Context, actor Actor, id uint64, in TeamInput) (*Team, error) {
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		t, rel, err := loadTeam(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canManageTeams()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		if err := checkVersion(in.Version, t.Version); err != nil {
			return nil, err
		}
		if err := in.validate(tx, false); err != nil {
			return nil, err
		}
		before := *t
		if in.Name != nil {
			t.Name = strings.TrimSpace(*in.Name)
		}
		if in.MerchantID != nil {
			t.MerchantID = *in.MerchantID
		}
		t.Version++
		if err := saveVersioned(tx, t, t.ID, before.Version); err != nil {
			return nil, err
		}
		return []audit{{action: "update", entity: "team", entityID: t.ID, programID: t.ProgramID, before: before, after: t}}, nil
	})
	if err != nil {
		return nil, err
	}
	return s.GetTeam(ctx, actor, id)
}

// DeleteTeam removes a team without campaigns or sales; one with results is a
// conflict, so that results are never lost by accident.
func (s *Store) DeleteTeam(ctx context.Context, actor Actor, id uint64) error {
	return s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		t, rel, err := loadTeam(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canManageTeams()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		var campaigns, sales int64
		if err := tx.Model(&Campaign{}).Where("team_id = ?", id).Count(&campaigns).Error; err != nil {
			return nil, err
		}
		if err := tx.Model(&SalesRecord{}).Where("team_id = ?", id).Count(&sales).Error; err != nil {
			return nil, err
		}
		if campaigns+sales > 0 {
			return nil, Conflict("has_dependents", "the team still has %d campaigns and %d sales records; delete them first", campaigns, sales)
		}
		// Targets go first, explicitly: their trigger moves the team's stamp, which a
		// cascade from the team's own delete would try after the team is gone.
		for _, child := range []any{&Target{}, &TeamMember{}, &Comment{}, &Evaluation{}, &PeerReview{}, &MerchantRating{}} {
			if err := tx.Where("team_id = ?", id).Delete(child).Error; err != nil {
				return nil, err
			}
		}
		if err := tx.Delete(&Team{}, id).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "delete", entity: "team", entityID: id, programID: t.ProgramID, before: t}}, nil
	})
}

// AddMember puts a student on a team; role is leader or member.
func (s *Store) AddMember(ctx context.Context, actor Actor, teamID, userID uint64, role string) (*TeamMember, error) {
	if role == "" {
		role = MemberMember
	}
	var m TeamMember
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		t, rel, err := loadTeam(tx, actor, teamID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canManageTeams()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		p := Problems{}
		// A comparison team is a merchant outside the program: no students.
		p.Check(t.Comparison, "user_id", "a comparison team has no members")
		p.Check(role != MemberLeader && role != MemberMember, "role", "must be leader or member")
		var u User
		if err := first(tx, &u, userID); err != nil {
			p.Add("user_id", "no such user")
		} else {
			p.Check(u.Role != RoleStudent, "user_id", "must be a student")
		}
		if err := p.Err(); err != nil {
			return nil, err
		}
		m = TeamMember{TeamID: teamID, UserID: userID, Role: role, Name: u.Name, Email: u.Email}
		if err := tx.Create(&m).Error; err != nil {
			return nil, duplicate(err, "this member")
		}
		return []audit{{action: "create", entity: "team_member", entityID: m.ID, programID: t.ProgramID, after: m}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &m, nil
}

// RemoveMember takes a student off a team.
func (s *Store) RemoveMember(ctx context.Context, actor Actor, teamID, userID uint64) error {
	return s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		t, rel, err := loadTeam(tx, actor, teamID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canManageTeams()); err != nil {
			return nil, err
		}
		if err := checkProgramOpen(tx, t.ProgramID); err != nil {
			return nil, err
		}
		var m TeamMember
		if err := tx.Where("team_id = ? AND user_id = ?", teamID, userID).First(&m).Error; err != nil {
			return nil, ErrNotFound
		}
		if err := tx.Delete(&m).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "delete", entity: "team_member", entityID: m.ID, programID: t.ProgramID, before: m}}, nil
	})
}
