//go:build !linux

package azuritetest

import "os/exec"

// detach does nothing here: Stop (from Main) ends Azurite.
func detach(*exec.Cmd) {}
