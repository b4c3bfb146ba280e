package models

import (
	"fmt"

	"gorm.io/gorm"
)

// saveVersioned writes back row — loaded by the transaction at version
// loaded, then changed, its version bumped — only if the stored row is still
// at that version, and answers a version conflict otherwise.
//
// checkVersion alone does not make versions safe on PostgreSQL: at READ
// COMMITTED two transactions can both read version n and pass it, and the
// second UPDATE, which waits for the first to commit, would then overwrite
// it: a lost update, or a student's stale edit undoing an approval. With the
// version in its WHERE clause the second UPDATE is re-checked against the
// committed row and matches nothing. (SQLite transactions take the write lock
// at BEGIN, so there the condition always holds.)
func saveVersioned(tx *gorm.DB, row any, id uint64, loaded int64) error {
	res := tx.Model(row).Where("version = ?", loaded).Select("*").Updates(row)
	if res.Error != nil {
		return fmt.Errorf("save %T %d: %w", row, id, res.Error)
	}
	if res.RowsAffected == 0 {
		return staleVersion(tx, row, id)
	}
	return nil
}

// deleteVersioned deletes the row of model with id only if it is still at
// version loaded (see saveVersioned).
func deleteVersioned(tx *gorm.DB, model any, id uint64, loaded int64) error {
	res := tx.Where("version = ?", loaded).Delete(model, id)
	if res.Error != nil {
		return fmt.Errorf("delete %T %d: %w", model, id, res.Error)
	}
	if res.RowsAffected == 0 {
		return staleVersion(tx, model, id)
	}
	return nil
}

// staleVersion is the conflict of a write that lost the race for a row, or
// ErrNotFound when the row has been deleted meanwhile.
func staleVersion(tx *gorm.DB, model any, id uint64) error {
	var versions []int64
	if err := tx.Model(model).Where("id = ?", id).Pluck("version", &versions).Error; err != nil {
		return fmt.Errorf("read version of %T %d: %w", model, id, err)
	}
	if len(versions) == 0 {
		return ErrNotFound
	}
	return errVersion(versions[0])
}
