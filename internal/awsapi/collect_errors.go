package awsapi

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
)

// errorCode names a call's failure as the coverage records it: the AWS
// error code (AccessDenied, UnauthorizedOperation, OptInRequired,
// AuthFailure, RequestLimitExceeded, Throttling, ...) with AWS's message,
// "Timeout" for a call that did not finish within timeout, and
// "RequestError" for one that never got an answer (DNS, connection). The
// message says when the SDK gave up after retrying.
func errorCode(err error, timeout time.Duration) (code, msg string) {
	var api smithy.APIError
	var attempts *retry.MaxAttemptsError
	switch {
	case errors.As(err, &api):
		code, msg = api.ErrorCode(), api.ErrorMessage()
		if msg == "" {
			msg = err.Error()
		}
	case errors.Is(err, context.DeadlineExceeded):
		return "Timeout", fmt.Sprintf("no answer within %s", timeout)
	default:
		code, msg = "RequestError", err.Error()
	}
	if errors.As(err, &attempts) {
		msg += fmt.Sprintf(" (gave up after %d attempts)", attempts.Attempt)
	}
	return code, msg
}

// isThrottle reports whether code is one of AWS's throttling errors.
func isThrottle(code string) bool {
	switch code {
	case "Throttling", "ThrottlingException", "ThrottledException", "RequestLimitExceeded", "RequestThrottled", "RequestThrottledException", "TooManyRequestsException", "SlowDown":
		return true
	}
	return false
}
