package models

import (
	"fmt"
	"slices"

	"gorm.io/gorm"
)

// This file is the only place that decides who may do what (SPEC §3). A
// right within a program is a question about the actor's relation to it or
// to a team (the can* methods of relation); a right across the instance,
// outside any one program (users, merchants, the audit log), is a question
// about the actor's role (the functions after them). Models ask these and
// never switch on a role themselves.

// relation is how an actor stands to a program or a team.
type relation uint8

const (
	relAdmin     relation = 1 << iota
	relProfessor          // staffs the program as a professor
	relCity               // staffs the program as city staff
	relMember             // a student on the team (or on a team of the program)
	relOwner              // owns the team's merchant (or a merchant of the program)
)

func (r relation) has(any relation) bool { return r&any != 0 }

// What a relation allows, per SPEC §3.
func (r relation) canRead() bool        { return r != 0 }
func (r relation) canManageTeams() bool { return r.has(relAdmin | relProfessor) }
func (r relation) canEditWork() bool    { return r.has(relAdmin | relProfessor | relMember) }

// canEditTargets: a team's goals are set by its students and the staff (SPEC §10.1).
func (r relation) canEditTargets() bool { return r.canEditWork() }
func (r relation) canReview() bool      { return r.has(relAdmin | relProfessor) }
func (r relation) canConfirm() bool     { return r.has(relAdmin | relProfessor | relOwner) }
func (r relation) canComment() bool     { return r.has(relAdmin | relProfessor | relMember | relOwner) }
func (r relation) canEvaluate() bool    { return r.has(relAdmin | relProfessor) }
func (r relation) canReport() bool      { return r.has(relAdmin | relProfessor | relCity) }
func (r relation) canAdminister() bool  { return r.has(relAdmin) }

// canReadEvaluations: reviewers read every evaluation of a team, its
// students only those made visible to them (canReadEvaluation).
func (r relation) canReadEvaluations() bool { return r.canEvaluate() || r.has(relMember) }
func (r relation) canReadEvaluation(visibleToTeam bool) bool {
	return r.canEvaluate() || (r.has(relMember) && visibleToTeam)
}

// seesStaffEmails: the staff of a program see each other's addresses; the
// program's students and merchants see only names.
func (r relation) seesStaffEmails() bool { return r.has(relAdmin | relProfessor | relCity) }
func (r relation) seesEmails() bool      { return r.has(relAdmin | relProfessor | relMember) }

// Rights across the instance, by role.

// canAdminister: users, programs and merchants are created and changed by
// admins only.
func canAdminister(actor Actor) bool { return actor.Role == RoleAdmin }

// seesTeamEmails: whether a list of teams across programs ("my teams")
// carries the members' email addresses. City staff and merchants never
// receive students' contact data; the others see it in every team they
// may read (one program's list asks the relation instead).
func seesTeamEmails(actor Actor) bool { return actor.Role != RoleCity && actor.Role != RoleMerchant }

// canSeeUser is who may look a user up: admins everyone, anyone themselves,
// professors the students and merchant owners they form teams with.
func canSeeUser(actor Actor, u *User) bool {
	switch {
	case canAdminister(actor), actor.UserID == u.ID:
		return true
	case actor.Role == RoleProfessor:
		return slices.Contains(professorVisibleRoles, u.Role)
	}
	return false
}

// professorVisibleRoles are the users a professor may look up and list.
var professorVisibleRoles = []Role{RoleStudent, RoleMerchant}

// listableUsers narrows a user list to whom the actor may list: admins
// everyone, professors students and merchant owners; others may not list.
func listableUsers(q *gorm.DB, actor Actor) (*gorm.DB, error) {
	switch actor.Role {
	case RoleAdmin:
		return q, nil
	case RoleProfessor:
		return q.Where("role IN ?", professorVisibleRoles), nil
	}
	return nil, ErrForbidden
}

// readableMerchantIDs: admins and professors see every merchant (professors
// pick merchants when they form teams); others see their teams' merchants.
func readableMerchantIDs(tx *gorm.DB, actor Actor) *gorm.DB {
	fresh := tx.Session(&gorm.Session{NewDB: true})
	if actor.Role == RoleAdmin || actor.Role == RoleProfessor {
		return fresh.Model(&Merchant{}).Select("id")
	}
	return fresh.Model(&Team{}).Select("merchant_id").Where("teams.id IN (?)", readableTeamIDs(tx, actor))
}

// readableAudit narrows the audit log to what the actor may read: all of it
// for admins, their programs' events for professors; others may not read it.
func readableAudit(tx *gorm.DB, q *gorm.DB, actor Actor) (*gorm.DB, error) {
	switch actor.Role {
	case RoleAdmin:
		return q, nil
	case RoleProfessor:
		return q.Where("program_id IN (?)", tx.Session(&gorm.Session{NewDB: true}).Model(&ProgramStaff{}).
			Select("program_id").Where("user_id = ? AND role = ?", actor.UserID, StaffProfessor)), nil
	}
	return nil, ErrForbidden
}

// canDispute: the merchant disputes its own sales figures (SPEC §7); an
// admin may act for them. Professors return records instead.
func (r relation) canDispute() bool { return r.has(relAdmin | relOwner) }

// allow turns a relation and a right into the SPEC answer: 404 when the actor
// cannot even read the object, 403 when they can read but not do this.
func allow(r relation, right bool) error {
	if !r.canRead() {
		return ErrNotFound
	}
	if !right {
		return ErrForbidden
	}
	return nil
}

// programRelation is how actor stands to program id (which must exist).
func programRelation(tx *gorm.DB, actor Actor, programID uint64) (relation, error) {
	switch actor.Role {
	case RoleAdmin:
		return relAdmin, nil
	case RoleProfessor, RoleCity:
		// Every request of staff asks this: a plain row, not a gorm model.
		var n int64
		err := tx.Raw("SELECT COUNT(*) FROM program_staff WHERE program_id = ? AND user_id = ? AND role = ?",
			programID, actor.UserID, string(actor.Role)).Row().Scan(&n)
		if err != nil {
			return 0, fmt.Errorf("program staff: %w", err)
		}
		if n == 0 {
			return 0, nil
		}
		if actor.Role == RoleCity {
			return relCity, nil
		}
		return relProfessor, nil
	case RoleStudent, RoleMerchant:
		var n int64
		err := tx.Model(&Team{}).Where("program_id = ?", programID).
			Where("teams.id IN (?)", readableTeamIDs(tx, actor)).Count(&n).Error
		if err != nil {
			return 0, fmt.Errorf("program teams: %w", err)
		}
		if n == 0 {
			return 0, nil
		}
		if actor.Role == RoleStudent {
			return relMember, nil
		}
		return relOwner, nil
	}
	return 0, nil
}

// teamRelation is how actor stands to team.
func teamRelation(tx *gorm.DB, actor Actor, team *Team) (relation, error) {
	switch actor.Role {
	case RoleAdmin, RoleProfessor, RoleCity:
		return programRelation(tx, actor, team.ProgramID)
	case RoleStudent:
		var n int64
		if err := tx.Model(&TeamMember{}).Where("team_id = ? AND user_id = ?", team.ID, actor.UserID).Count(&n).Error; err != nil {
			return 0, fmt.Errorf("team membership: %w", err)
		}
		if n > 0 {
			return relMember, nil
		}
	case RoleMerchant:
		var n int64
		if err := tx.Model(&Merchant{}).Where("id = ? AND owner_user_id = ?", team.MerchantID, actor.UserID).Count(&n).Error; err != nil {
			return 0, fmt.Errorf("merchant owner: %w", err)
		}
		if n > 0 {
			return relOwner, nil
		}
	}
	return 0, nil
}

// readableTeamIDs is a subquery of the ids of the teams actor may read; lists
// filter with it so that they show only what the user may read.
func readableTeamIDs(tx *gorm.DB, actor Actor) *gorm.DB {
	q := tx.Session(&gorm.Session{NewDB: true}).Model(&Team{}).Select("teams.id")
	switch actor.Role {
	case RoleAdmin:
		return q
	case RoleProfessor, RoleCity:
		return q.Where("teams.program_id IN (?)",
			tx.Session(&gorm.Session{NewDB: true}).Model(&ProgramStaff{}).Select("program_id").
				Where("user_id = ? AND role = ?", actor.UserID, string(actor.Role)))
	case RoleStudent:
		return q.Where("teams.id IN (?)",
			tx.Session(&gorm.Session{NewDB: true}).Model(&TeamMember{}).Select("team_id").Where("user_id = ?", actor.UserID))
	case RoleMerchant:
		return q.Where("teams.merchant_id IN (?)",
			tx.Session(&gorm.Session{NewDB: true}).Model(&Merchant{}).Select("id").Where("owner_user_id = ?", actor.UserID))
	}
	return q.Where("1 = 0")
}

// readableProgramIDs is a subquery of the ids of the programs actor may read.
func readableProgramIDs(tx *gorm.DB, actor Actor) *gorm.DB {
	fresh := tx.Session(&gorm.Session{NewDB: true})
	switch actor.Role {
	case RoleAdmin:
		return fresh.Model(&Program{}).Select("id")
	case RoleProfessor, RoleCity:
		return fresh.Model(&ProgramStaff{}).Select("program_id").Where("user_id = ? AND role = ?", actor.UserID, string(actor.Role))
	default:
		return fresh.Model(&Team{}).Select("program_id").Where("teams.id IN (?)", readableTeamIDs(tx, actor))
	}
}

// loadTeam loads a team with the actor's relation to it; a team the actor
// cannot read is ErrNotFound.
//
// The team and the relation (teamRelation, as SQL) are read in one
// statement: every request reached through a team or a campaign asks this.
func loadTeam(tx *gorm.DB, actor Actor, teamID uint64) (*Team, relation, error) {
	related, rel, args := relatedTeamSQL(actor)
	var row struct {
		Team    `gorm:"embedded"`
		Related int64
	}
	found := tx.Raw(`SELECT teams.*, `+related+` AS related FROM teams WHERE teams.id = ?`, append(args, teamID)...).Scan(&row)
	if found.Error != nil {
		return nil, 0, fmt.Errorf("load team %d: %w", teamID, found.Error)
	}
	if found.RowsAffected == 0 {
		return nil, 0, ErrNotFound
	}
	if row.Related == 0 || !rel.canRead() {
		return nil, 0, ErrNotFound
	}
	return &row.Team, rel, nil
}

// loadProgram loads a program with the actor's relation to it.
func loadProgram(tx *gorm.DB, actor Actor, programID uint64) (*Program, relation, error) {
	var p Program
	if err := first(tx, &p, programID); err != nil {
		return nil, 0, err
	}
	rel, err := programRelation(tx, actor, p.ID)
	if err != nil {
		return nil, 0, err
	}
	if !rel.canRead() {
		return nil, 0, ErrNotFound
	}
	return &p, rel, nil
}

// loadCampaign loads a campaign and its team with the actor's relation.
//
// The campaign, its team and the relation are read in one statement, as
// loadTeam reads a team.
func loadCampaign(tx *gorm.DB, actor Actor, campaignID uint64) (*Campaign, *Team, relation, error) {
	c, t, rel, _, err := loadCampaignStatus(tx, actor, nil, campaignID)
	return c, t, rel, err
}

// loadCampaignStatus is loadCampaign that also reads its program's status
// in the same statement, for a write that must refuse a closed program
// (checkProgramOpen) without a query of its own. Given the TokenUser the
// actor comes from, the statement also checks the user row as
// authentication does (ActiveUser): ErrUnauthorized when it fails.
func loadCampaignStatus(tx *gorm.DB, actor Actor, tok *TokenUser, campaignID uint64) (*Campaign, *Team, relation, string, error) {
	related, rel, args := relatedTeamSQL(actor)
	userOK := "1"
	if tok != nil {
		userOK = `COALESCE((SELECT CASE WHEN NOT users.disabled AND users.token_version = ? AND users.role = ? THEN 1 ELSE 0 END
			FROM users WHERE users.id = ?), 0)`
		args = append(args, tok.TokenVersion, string(tok.Role), tok.UserID)
	}
	var row struct {
		Campaign      `gorm:"embedded"`
		Team          Team `gorm:"embedded;embeddedPrefix:t_"`
		Related       int64
		ProgramStatus string
		UserOK        int64
	}
	found := tx.Raw(`SELECT campaigns.*, teams.id AS t_id, teams.program_id AS t_program_id, teams.name AS t_name,
		teams.merchant_id AS t_merchant_id, teams.comparison AS t_comparison, teams.version AS t_version,
		teams.created_at AS t_created_at, teams.updated_at AS t_updated_at, `+related+` AS related,
		programs.status AS program_status, `+userOK+` AS user_ok
		FROM campaigns JOIN teams ON teams.id = campaigns.team_id JOIN programs ON programs.id = teams.program_id
		WHERE campaigns.id = ?`, append(args, campaignID)...).Scan(&row)
	if found.Error != nil {
		return nil, nil, 0, "", fmt.Errorf("load campaign %d: %w", campaignID, found.Error)
	}
	if tok != nil && (found.RowsAffected == 0 || row.UserOK == 0) {
		// No campaign row says nothing of the user: they are checked
		// alone, so that a refused token is 401 whatever it asks for.
		if err := checkTokenUser(tx, *tok); err != nil {
			return nil, nil, 0, "", err
		}
	}
	if found.RowsAffected == 0 || row.Related == 0 || !rel.canRead() {
		return nil, nil, 0, "", ErrNotFound
	}
	return &row.Campaign, &row.Team, rel, row.ProgramStatus, nil
}

// Publishing (SPEC §11).

// canPublish: publications are made, read and shared by the report's readers.
func (r relation) canPublish() bool { return r.canReport() }

// canUnlock: only an admin lifts the locks of published figures.
func (r relation) canUnlock() bool { return r.has(relAdmin) }

// consentRight: a merchant's owner decides on being named; an admin or the
// program's professor may record a consent given on paper, with a note.
func consentRight(actor Actor, m *Merchant, rel relation) (may, needsNote bool) {
	if m.OwnerUserID != nil && *m.OwnerUserID == actor.UserID {
		return true, false
	}
	if rel.has(relAdmin | relProfessor) {
		return true, true
	}
	return false, false
}

// readsAllConsents: the owner and admins see every program's consent of a
// merchant; staff only those of the programs they staff (consentStaffPrograms).
func readsAllConsents(actor Actor, m *Merchant) bool {
	return actor.Role == RoleAdmin || (m.OwnerUserID != nil && *m.OwnerUserID == actor.UserID)
}

// consentStaffPrograms: the programs whose consents a professor or city
// staff member may read; nobody else's.
func consentStaffPrograms(tx *gorm.DB, actor Actor) *gorm.DB {
	q := tx.Session(&gorm.Session{NewDB: true}).Model(&ProgramStaff{}).Select("program_id")
	if actor.Role != RoleProfessor && actor.Role != RoleCity {
		return q.Where("1 = 0")
	}
	return q.Where("user_id = ? AND role = ?", actor.UserID, string(actor.Role))
}
