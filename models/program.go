package models

import (
	"context"
	"strings"

	"gorm.io/gorm"

	"github.com/nalgae/nalgae/models/civil"
)

// ProgramInput is a new program or the fields to change (nil = keep).
type ProgramInput struct {
	Name, City, University, Partner, Course *string
	StartsOn, EndsOn                        *civil.Date
	Status                                  *string
	FollowupMonths                          []int // nil = keep
	Version                                 *int64
}

func (in ProgramInput) apply(p *Program) {
	set := func(dst *string, v *string) {
		if v != nil {
			*dst = strings.TrimSpace(*v)
		}
	}
	set(&p.Name, in.Name)
	set(&p.City, in.City)
	set(&p.University, in.University)
	set(&p.Partner, in.Partner)
	set(&p.Course, in.Course)
	set(&p.Status, in.Status)
	if in.StartsOn != nil {
		p.StartsOn = *in.StartsOn
	}
	if in.EndsOn != nil {
		p.EndsOn = *in.EndsOn
	}
	if in.FollowupMonths != nil {
		p.FollowupMonths = in.FollowupMonths
	}
}

func (p *Program) validate() error {
	pr := Problems{}
	checkText(pr, "name", p.Name, 200, true)
	checkText(pr, "city", p.City, 100, true)
	checkText(pr, "university", p.University, 200, false)
	checkText(pr, "partner", p.Partner, 200, false)
	checkText(pr, "course", p.Course, 200, false)
	pr.Check(p.StartsOn.IsZero(), "starts_on", "is required")
	pr.Check(p.EndsOn.IsZero(), "ends_on", "is required")
	pr.Check(!p.StartsOn.IsZero() && !p.EndsOn.IsZero() && p.EndsOn.Before(p.StartsOn), "ends_on", "must not be before starts_on")
	pr.Check(!oneOf(p.Status, ProgramPlanning, ProgramActive, ProgramClosed), "status", "must be planning, active or closed")
	checkFollowupMonths(pr, p.FollowupMonths)
	return pr.Err()
}

// CreateProgram adds a program (admins only).
func (s *Store) CreateProgram(ctx context.Context, actor Actor, in ProgramInput) (*Program, error) {
	if !canAdminister(actor) {
		return nil, ErrForbidden
	}
	p := Program{Status: ProgramPlanning, FollowupMonths: DefaultFollowupMonths(), Version: 1}
	in.apply(&p)
	if err := p.validate(); err != nil {
		return nil, err
	}
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		if err := tx.Create(&p).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "create", entity: "program", entityID: p.ID, programID: p.ID, after: p}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// GetProgram loads a program the actor may read.
func (s *Store) GetProgram(ctx context.Context, actor Actor, id uint64) (*Program, error) {
	p, _, err := loadProgram(s.db.WithContext(ctx), actor, id)
	return p, err
}

// ListPrograms lists the programs the actor may read.
func (s *Store) ListPrograms(ctx context.Context, actor Actor, opt ListOptions) (Page[Program], error) {
	tx := s.db.WithContext(ctx)
	q := tx.Model(&Program{}).Where("id IN (?)", readableProgramIDs(tx, actor))
	return paginate(q, "id", opt, func(p Program) uint64 { return p.ID })
}

// UpdateProgram changes a program (admins only).
func (s *Store) UpdateProgram(ctx context.Context, actor Actor, id uint64, in ProgramInput) (*Program, error) {
	var p Program
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		loaded, rel, err := loadProgram(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canAdminister()); err != nil {
			return nil, err
		}
		p = *loaded
		if err := checkVersion(in.Version, p.Version); err != nil {
			return nil, err
		}
		before := p
		if err := checkReopening(before.Status, in.Status); err != nil {
			return nil, err
		}
		in.apply(&p)
		if err := p.validate(); err != nil {
			return nil, err
		}
		p.Version++
		if err := saveVersioned(tx, &p, p.ID, before.Version); err != nil {
			return nil, err
		}
		events := []audit{{action: "update", entity: "program", entityID: p.ID, programID: p.ID, before: before, after: p}}
		if before.Status != ProgramClosed && p.Status == ProgramClosed {
			created, err := scheduleFollowUps(tx, &p)
			if err != nil {
				return nil, err
			}
			events = append(events, created...)
		}
		return events, nil
	})
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// DeleteProgram removes an empty program (admins only); one with teams is a
// conflict, so that results are never lost by accident.
func (s *Store) DeleteProgram(ctx context.Context, actor Actor, id uint64) error {
	return s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		p, rel, err := loadProgram(tx, actor, id)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canAdminister()); err != nil {
			return nil, err
		}
		if p.Status == ProgramClosed {
			return nil, errProgramClosed()
		}
		var teams int64
		if err := tx.Model(&Team{}).Where("program_id = ?", id).Count(&teams).Error; err != nil {
			return nil, err
		}
		if teams > 0 {
			return nil, Conflict("has_dependents", "the program still has %d teams; delete them first", teams)
		}
		if err := tx.Where("program_id = ?", id).Delete(&ProgramStaff{}).Error; err != nil {
			return nil, err
		}
		if err := tx.Delete(&Program{}, id).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "delete", entity: "program", entityID: id, programID: id, before: p}}, nil
	})
}

// ListStaff lists a program's professors and city staff.
func (s *Store) ListStaff(ctx context.Context, actor Actor, programID uint64) ([]ProgramStaff, error) {
	tx := s.db.WithContext(ctx)
	_, rel, err := loadProgram(tx, actor, programID)
	if err != nil {
		return nil, err
	}
	var staff []ProgramStaff
	if err := tx.Where("program_id = ?", programID).Order("id").Find(&staff).Error; err != nil {
		return nil, err
	}
	ids := make([]uint64, len(staff))
	for i, st := range staff {
		ids[i] = st.UserID
	}
	users, err := usersByID(tx, ids)
	if err != nil {
		return nil, err
	}
	for i := range staff {
		u := users[staff[i].UserID]
		staff[i].Name = u.Name
		if rel.seesStaffEmails() {
			staff[i].Email = u.Email
		}
	}
	return staff, nil
}

// StaffInput is who joins a program's staff. Role (SPEC §1's ProgramStaff
// role) is optional: the staff role is always the user's own role, and a
// role sent must say the same, so that a client's mistake is an error
// rather than a professor silently added as city staff or the reverse.
type StaffInput struct {
	UserID uint64
	Role   *string
}

// AddStaff makes a professor or city user staff of a program (admins only).
func (s *Store) AddStaff(ctx context.Context, actor Actor, programID uint64, in StaffInput) (*ProgramStaff, error) {
	userID := in.UserID
	if userID == 0 {
		return nil, Invalid("user_id", "is required")
	}
	if in.Role != nil && *in.Role != StaffProfessor && *in.Role != StaffCity {
		return nil, Invalid("role", "must be professor or city")
	}
	var st ProgramStaff
	err := s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		_, rel, err := loadProgram(tx, actor, programID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canAdminister()); err != nil {
			return nil, err
		}
		var u User
		if err := first(tx, &u, userID); err != nil {
			return nil, Invalid("user_id", "no such user")
		}
		if u.Role != RoleProfessor && u.Role != RoleCity {
			return nil, Invalid("user_id", "must be a professor or city user")
		}
		if in.Role != nil && *in.Role != string(u.Role) {
			return nil, Invalid("role", "must be the user's own role ("+string(u.Role)+")")
		}
		st = ProgramStaff{ProgramID: programID, UserID: userID, Role: string(u.Role), Name: u.Name, Email: u.Email}
		if err := tx.Create(&st).Error; err != nil {
			return nil, duplicate(err, "this staff member")
		}
		return []audit{{action: "create", entity: "program_staff", entityID: st.ID, programID: programID, after: st}}, nil
	})
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// RemoveStaff takes a user off a program's staff (admins only).
func (s *Store) RemoveStaff(ctx context.Context, actor Actor, programID, userID uint64) error {
	return s.write(ctx, actor, func(tx *gorm.DB) ([]audit, error) {
		_, rel, err := loadProgram(tx, actor, programID)
		if err != nil {
			return nil, err
		}
		if err := allow(rel, rel.canAdminister()); err != nil {
			return nil, err
		}
		var st ProgramStaff
		if err := tx.Where("program_id = ? AND user_id = ?", programID, userID).First(&st).Error; err != nil {
			return nil, ErrNotFound
		}
		if err := tx.Delete(&st).Error; err != nil {
			return nil, err
		}
		return []audit{{action: "delete", entity: "program_staff", entityID: st.ID, programID: programID, before: st}}, nil
	})
}

func usersByID(tx *gorm.DB, ids []uint64) (map[uint64]User, error) {
	out := map[uint64]User{}
	if len(ids) == 0 {
		return out, nil
	}
	var users []User
	if err := tx.Where("id IN ?", ids).Find(&users).Error; err != nil {
		return nil, err
	}
	for _, u := range users {
		out[u.ID] = u
	}
	return out, nil
}
