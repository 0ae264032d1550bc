// Package lambda is the hidden `vpcdoctor lambda` command: the same binary
// served as an AWS Lambda function (a container image on provided.al2023,
// deploy/). Each invocation's event (Event; docs/lambda.md) asks it to
// scan one account (collected live, through a role assumed into it, or a
// snapshot stored in S3) and write the JSON, SARIF and HTML reports and a
// summary to the user's bucket; to list an organisation's accounts for
// the Step Functions Distributed Map that fans the scan out; or to write a
// run's index. Writing those objects (s3:PutObject) is the only change it
// makes to AWS.
package lambda

import (
	"context"
	"errors"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi"
	"github.com/vpcdoctor/vpcdoctor/internal/awsapi/livescope"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/collect"
	"github.com/vpcdoctor/vpcdoctor/internal/cmd/collect/scope"
	"github.com/vpcdoctor/vpcdoctor/internal/cmdutil"
)

// Options are the command's flags.
type Options struct {
	IO *cmdutil.IOStreams
}

// NewCmd builds the command; runF replaces Run in tests when non-nil.
func NewCmd(io *cmdutil.IOStreams, runF func(*Options) error) *cobra.Command {
	opts := &Options{IO: io}
	cmd := &cobra.Command{
		Use:   "lambda",
		Short: "Serve vpcdoctor as an AWS Lambda function (the container image's command)",
		Long: `Lambda serves vpcdoctor as an AWS Lambda function through the Runtime API that
AWS_LAMBDA_RUNTIME_API names: the container image of deploy/Dockerfile runs
it. It is not meant to be run by hand.

Each invocation's event is a JSON object (docs/lambda.md):

  {"account": "111122223333", "role": "vpcdoctor-scan",
   "regions": ["ap-northeast-1"], "bucket": "my-reports", "prefix": "vpcdoctor"}

scans the account (collected through the role, or the function's own
account when none is named), writes vpcdoctor.json, vpcdoctor.sarif,
vpcdoctor.html and summary.json to s3://BUCKET/PREFIX/RUN/ACCOUNT/ and
returns the summary (counts by severity, the objects' keys). "mode":
"accounts" lists the organisation's active accounts for the Step Functions
Distributed Map, "mode": "index" writes a run's index.json and index.html.
The bucket and prefix default to VPCDOCTOR_BUCKET and VPCDOCTOR_PREFIX.

Writing those objects (s3:PutObject) is the only change it makes to AWS;
everything else is read (Describe, List and Get calls). A wrong event
fails with the error type InputError, which a retry cannot mend.`,
		Example: `  # Locally, under the Runtime Interface Emulator (docs/lambda.md)
  aws-lambda-rie ./vpcdoctor lambda &
  curl -d '{"bucket": "my-reports"}' http://127.0.0.1:8080/2015-03-31/functions/function/invocations`,
		Hidden: true,
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			if runF != nil {
				return runF(opts)
			}
			return Run(opts)
		},
	}
	return cmd
}

// Run serves invocations until the process is stopped.
func Run(opts *Options) error {
	if opts.IO.Getenv("AWS_LAMBDA_RUNTIME_API") == "" {
		return cmdutil.BadInput(errors.New("vpcdoctor lambda serves the Lambda Runtime API, and AWS_LAMBDA_RUNTIME_API is not set: run it as a Lambda function, or under the Runtime Interface Emulator (docs/lambda.md)"))
	}
	ctx := context.Background()
	services, err := awsServices(ctx, opts.IO.Getenv, opts.IO.ErrOut)
	if err != nil {
		return err
	}
	h := &Handler{Services: services, Getenv: opts.IO.Getenv, Now: opts.IO.Now, Log: opts.IO.ErrOut}
	awsapi.StartLambda(ctx, h)
	return nil
}

// awsServices are the handler's services through internal/awsapi, with
// the function's own credentials (the default chain: in Lambda, its
// role). AWS_ENDPOINT_URL points every service at another endpoint (a
// local test double), S3 then addressed path-style.
func awsServices(ctx context.Context, getenv func(string) string, log io.Writer) (Services, error) {
	endpoint := getenv("AWS_ENDPOINT_URL")
	cfg, err := awsapi.LoadConfig(ctx, awsapi.Options{Endpoint: endpoint})
	if err != nil {
		return Services{}, err
	}
	owner := getenv("VPCDOCTOR_BUCKET_OWNER")
	return Services{
		Collect: func(ctx context.Context, t Target, dir string) error {
			io := &cmdutil.IOStreams{Out: log, ErrOut: log, Now: time.Now, Env: getenv}
			return collect.Live(ctx, io, scope.Flags{Scope: livescope.Scope{
				Regions: t.Regions, AllRegions: len(t.Regions) == 0,
				AssumeRole: t.RoleARN, ExternalID: t.ExternalID, Endpoint: endpoint,
			}}, dir)
		},
		Accounts: func(ctx context.Context) ([]string, error) {
			return awsapi.OrganizationAccounts(ctx, awsapi.Options{Endpoint: endpoint})
		},
		Put: func(ctx context.Context, bucket string, objects []awsapi.S3Object) error {
			return awsapi.S3Put(ctx, cfg, bucket, owner, objects)
		},
		GetAll: func(ctx context.Context, url string, keep func(string) bool) ([]awsapi.S3Object, error) {
			return awsapi.S3GetAll(ctx, cfg, url, keep)
		},
	}, nil
}
