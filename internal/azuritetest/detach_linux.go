package azuritetest

import (
	"os/exec"
	"syscall"
)

// detach makes the kernel kill Azurite when the test binary dies, so that a crashed or
// killed test run leaves no emulator behind.
func detach(cmd *exec.Cmd) { cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL} }
