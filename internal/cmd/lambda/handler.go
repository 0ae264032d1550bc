package lambda

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

// Target is one account to collect.
type Target struct {
	Account    string   // "" for the account of the function's own credentials
	RoleARN    string   // the role to assume first; "" for none
	ExternalID string   // with RoleARN, when its trust policy asks for one
	Regions    []string // none: every region enabled in the account
}

// Services are what the handler asks of AWS. Run fills them with
// internal/awsapi; tests replace the collector (and can point the rest at
// servers on this machine).
type Services struct {
	// Collect writes the snapshot of one account, in the snapshot layout,
	// into the folder dir.
	Collect func(ctx context.Context, t Target, dir string) error
	// Accounts lists the active accounts of the organisation.
	Accounts func(ctx context.Context) ([]string, error)
	// Put writes objects into bucket, in order, stopping at the first
	// that fails.
	Put func(ctx context.Context, bucket string, objects []awsapi.S3Object) error
	// GetAll reads the objects under url (s3://BUCKET/PREFIX/) whose key,
	// relative to the prefix, keep accepts.
	GetAll func(ctx context.Context, url string, keep func(rel string) bool) ([]awsapi.S3Object, error)
}

// Handler answers invocations. Its zero values but Services are
// replaced by the process's (os.Getenv, time.Now, standard error).
type Handler struct {
	Services Services
	Getenv   func(string) string
	Now      func() time.Time
	Log      io.Writer // what the function logs (CloudWatch Logs)
	// FunctionARN is the ARN of the invoked function (its account and
	// partition); awsapi.LambdaFunctionARN by default.
	FunctionARN func(ctx context.Context) string
}

// Invoke answers one invocation: the event's JSON in, the response's JSON
// out. A wrong event, a stored snapshot that is not valid, or a
// configuration file that is wrong is an error of type InputError
// (cmdutil.InputError: Lambda names the error by its type), which
// retrying cannot mend; any other error may be passing.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	h.defaults()
	e, err := ParseEvent(payload)
	if err != nil {
		return nil, h.fail(cmdutil.BadInput(err))
	}
	out, err := h.Handle(ctx, e)
	if err != nil {
		return nil, h.fail(typed(err))
	}
	return json.Marshal(out)
}

// typed makes an error that wraps an input error one itself, so that
// Lambda reports it as InputError whatever wraps it ("collect account
// ...: " around the collector's scope error).
func typed(err error) error {
	var ie *cmdutil.InputError
	if errors.As(err, &ie) && ie != err {
		return cmdutil.BadInput(err)
	}
	return err
}

// Handle does what the event asks and returns the response: a *Summary
// (scan), an *AccountsList (accounts) or an *Index (index).
func (h *Handler) Handle(ctx context.Context, e Event) (any, error) {
	h.defaults()
	e = e.withDefaults(h.Getenv)
	if err := e.validate(); err != nil {
		return nil, cmdutil.BadInput(err)
	}
	now := h.Now().UTC()
	if e.Run == "" {
		e.Run = now.Format("20060102T150405Z")
	}
	switch e.Mode {
	case ModeAccounts:
		return h.listAccounts(ctx, e)
	case ModeIndex:
		return h.index(ctx, e, now)
	}
	return h.scan(ctx, e, now)
}

func (h *Handler) defaults() {
	if h.Getenv == nil {
		h.Getenv = func(string) string { return "" }
	}
	if h.Now == nil {
		h.Now = time.Now
	}
	if h.Log == nil {
		h.Log = io.Discard
	}
	if h.FunctionARN == nil {
		h.FunctionARN = awsapi.LambdaFunctionARN
	}
}

// fail logs err, one line per line of it, and returns it.
func (h *Handler) fail(err error) error {
	fmt.Fprintln(h.Log, "vpcdoctor: "+strings.ReplaceAll(err.Error(), "\n", "\n  "))
	return err
}

// logf writes one line to the function's log.
func (h *Handler) logf(format string, args ...any) {
	fmt.Fprintf(h.Log, "vpcdoctor: "+format+"\n", args...)
}

// function is the partition and account of the invoked function, from
// its ARN; "" for both outside an invocation.
func (h *Handler) function(ctx context.Context) (partition, account string) {
	parts := strings.Split(h.FunctionARN(ctx), ":")
	if len(parts) < 6 || parts[0] != "arn" {
		return "", ""
	}
	return parts[1], parts[4]
}

// errNoCollector is what a build without the live collector answers.
var errNoCollector = errors.New("this build of vpcdoctor cannot collect from AWS: scan a stored snapshot (\"snapshot\": \"s3://BUCKET/PREFIX/\")")
