package cmdutil

import "errors"

// Exit statuses, decided only in root.Main.
const (
	ExitOK = 0
	// ExitFindings is for gates: findings at or above a chosen severity.
	ExitFindings = 1
	// ExitBadInput is for a wrong command line or unusable input data.
	ExitBadInput = 2
	// ExitError is for everything else: output that cannot be written, a
	// bug.
	ExitError = 3
)

// InputError marks an error caused by the user's input (flags, arguments,
// snapshot files). It exits with ExitBadInput.
type InputError struct{ Err error }

func (e *InputError) Error() string { return e.Err.Error() }
func (e *InputError) Unwrap() error { return e.Err }

// BadInput wraps err as an InputError.
func BadInput(err error) error {
	if err == nil {
		return nil
	}
	return &InputError{Err: err}
}

// IsBadInput reports whether err is, or wraps, an InputError.
func IsBadInput(err error) bool {
	var ie *InputError
	return errors.As(err, &ie)
}

// ExitStatus is an error that carries the exit status a command chose for
// itself, such as 1 from a --fail-on gate or a Nagios status from a check
// plugin. Its message, if any, is printed on stderr; Silent skips that when
// the command already said everything on stdout.
type ExitStatus struct {
	Code   int
	Msg    string
	Silent bool
}

func (e *ExitStatus) Error() string { return e.Msg }

// Exit returns an *ExitStatus error.
func Exit(code int, msg string, silent bool) error {
	return &ExitStatus{Code: code, Msg: msg, Silent: silent}
}
