package models

import (
	"gocloud.dev/gcerrors"
)

// isBlobNotFound reports a blob that is already gone.
func isBlobNotFound(err error) bool { return gcerrors.Code(err) == gcerrors.NotFound }
