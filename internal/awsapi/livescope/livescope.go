// Package livescope is the scope of a live collection: which accounts
// (profiles, a role to assume, an AWS Organization) and regions, and
// which endpoint answers. awsapi.CollectOptions and the command line's
// flags (internal/cmd/collect/scope) both hold it; it imports no AWS SDK,
// so that commands that build without the SDK (scan) can fill it in.
package livescope

// Scope says what a live collection reads.
type Scope struct {
	// Profiles of the shared config files, each an account (SSO profiles
	// work through the SDK); none: the default chain.
	Profiles []string
	// Regions to collect; with AllRegions, every region the account has
	// enabled (ec2 DescribeRegions); neither: the profile's region.
	Regions    []string
	AllRegions bool
	// AssumeRole is a role ARN every profile's credentials assume first
	// (sts AssumeRole), with ExternalID when the role requires one.
	AssumeRole string
	ExternalID string
	// OrgRole is a role name: every ACTIVE account of the AWS Organization
	// (organizations ListAccounts) is collected by assuming
	// arn:PARTITION:iam::ACCOUNT:role/OrgRole; the caller's own account
	// with its own credentials.
	OrgRole string
	// Accounts keeps only these account IDs; ExcludeAccounts drops these.
	Accounts        []string
	ExcludeAccounts []string
	// Endpoint is a base URL for every service instead of AWS's (a test
	// double, LocalStack); AWS_ENDPOINT_URL works as well.
	Endpoint string
}
