// Package awsapi is vpcdoctor's only door to the AWS APIs, and the only
// package that imports the AWS SDK for Go (internal/archtest): it collects
// accounts into the snapshot layout (Collect: the Describe, List and Get
// calls of model.Calls, with sts GetCallerIdentity and AssumeRole,
// organizations ListAccounts and ec2 DescribeRegions for the scope), reads
// flow-log objects from S3 (ListObjectsV2, GetObject) and runs the flows
// query on Amazon Athena (StartQueryExecution, GetQueryExecution,
// GetQueryResults), and for the Lambda function (internal/cmd/lambda)
// serves the Lambda Runtime API and writes the reports to S3 (PutObject).
// It only reads from the account: readonly_test.go lists every operation
// the code can call and fails on any but Describe*, List* and Get* and
// three that change nothing of it (sts AssumeRole, a credential exchange;
// Athena StartQueryExecution, which writes only the query's result, to the
// output location the user names; S3 PutObject, vpcdoctor's reports in the
// bucket the user names); docs/iam-policy.json is the policy for exactly
// those, kept in sync by a test.
package awsapi

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
)

// Options say how to reach AWS. The zero Options use the SDK's default
// chain: environment variables, the shared config and credentials files
// (AWS_PROFILE, SSO), then the instance's or task's role.
type Options struct {
	Profile string // a profile of the shared config files; "" for the default
	Region  string // "" for the profile's or AWS_REGION
	// Endpoint is a base URL for every service instead of AWS's (an
	// S3-compatible server, a local test double); S3 is then addressed
	// path-style (http://host/bucket/key).
	Endpoint string
}

// LoadConfig returns the SDK configuration Options describe. It calls no
// API: credentials are resolved on the first call that needs them.
func LoadConfig(ctx context.Context, opt Options) (aws.Config, error) {
	var load []func(*config.LoadOptions) error
	if opt.Profile != "" {
		load = append(load, config.WithSharedConfigProfile(opt.Profile))
	}
	if opt.Region != "" {
		load = append(load, config.WithRegion(opt.Region))
	}
	if opt.Endpoint != "" {
		load = append(load, config.WithBaseEndpoint(opt.Endpoint))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("aws configuration: %w", err)
	}
	return cfg, nil
}
