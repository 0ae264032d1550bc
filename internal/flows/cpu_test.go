package flows

import (
	"syscall"
	"time"
)

// cpuTime is the CPU time (user and system) the process has used: what the
// benchmarks report besides wall time, which other programs on the machine
// disturb more.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
