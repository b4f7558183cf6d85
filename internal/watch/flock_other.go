//go:build !(linux || darwin || dragonfly || freebsd || netbsd || openbsd || windows)

package watch

import (
	"errors"
	"os"
)

// tryLock is not available here: FileStore.Lock reports errors.ErrUnsupported and watchers
// fall back to the lease's expiry alone.
func tryLock(*os.File) error { return errors.ErrUnsupported }

func unlockFile(*os.File) error { return errors.ErrUnsupported }
