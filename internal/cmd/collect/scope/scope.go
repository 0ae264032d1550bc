// Package scope is the command-line scope of a live collection (--profile,
// --region, --all-regions, --assume-role, --org-role, ...), shared by
// `vpcdoctor collect` and `vpcdoctor scan --live`. It imports no AWS SDK,
// so that scan builds without it.
package scope

import (
	"fmt"
	"regexp"

	"github.com/spf13/cobra"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi/livescope"
)

// Flags are the scope of a live collection, set from the command line.
type Flags struct {
	livescope.Scope
}

// Register adds the flags to cmd.
func (f *Flags) Register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringArrayVar(&f.Profiles, "profile", nil, "collect the account of this shared-config `PROFILE` (SSO profiles work; repeat for several); default: the SDK's default chain")
	fs.StringArrayVar(&f.Regions, "region", nil, "collect this `REGION` (repeat for several); default: the profile's or AWS_REGION")
	fs.BoolVar(&f.AllRegions, "all-regions", false, "collect every region the account has enabled (regions not opted in are skipped, with a note)")
	fs.StringVar(&f.AssumeRole, "assume-role", "", "assume this role `ARN` first (sts AssumeRole)")
	fs.StringVar(&f.ExternalID, "external-id", "", "the external `ID` the role to assume requires")
	fs.StringVar(&f.OrgRole, "org-role", "", "collect every ACTIVE account of the AWS Organization by assuming the role `NAME` in each (the caller's own account with its own credentials)")
	fs.StringSliceVar(&f.Accounts, "accounts", nil, "collect only these account `IDs` (comma-separated or repeated)")
	fs.StringSliceVar(&f.ExcludeAccounts, "exclude-accounts", nil, "leave out these account `IDs` (comma-separated or repeated)")
	fs.StringVar(&f.Endpoint, "endpoint-url", "", "send every call to this `URL` instead of AWS's (a test double; AWS_ENDPOINT_URL works too)")
}

// Names are the flags' names, for "needs --live" messages.
var Names = []string{"profile", "region", "all-regions", "assume-role", "external-id", "org-role", "accounts", "exclude-accounts", "endpoint-url"}

var (
	accountID = regexp.MustCompile(`^[0-9]{12}$`)
	region    = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)
	roleARN   = regexp.MustCompile(`^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$`)
	roleName  = regexp.MustCompile(`^[\w+=,.@/-]{1,64}$`)
)

// Validate checks the flags' values; its errors are usage errors.
func (f *Flags) Validate() error {
	if f.AllRegions && len(f.Regions) > 0 {
		return fmt.Errorf("--all-regions and --region: give one or the other")
	}
	for _, r := range f.Regions {
		if !region.MatchString(r) {
			return fmt.Errorf("--region %q: want a region name such as ap-northeast-1", r)
		}
	}
	for _, list := range [][]string{f.Accounts, f.ExcludeAccounts} {
		for _, id := range list {
			if !accountID.MatchString(id) {
				return fmt.Errorf("account %q: want a 12-digit account ID", id)
			}
		}
	}
	if f.AssumeRole != "" && !roleARN.MatchString(f.AssumeRole) {
		return fmt.Errorf("--assume-role %q: want a role ARN such as arn:aws:iam::111122223333:role/vpcdoctor-read", f.AssumeRole)
	}
	if f.ExternalID != "" && f.AssumeRole == "" && f.OrgRole == "" {
		return fmt.Errorf("--external-id goes with --assume-role or --org-role")
	}
	if f.OrgRole != "" && !roleName.MatchString(f.OrgRole) {
		return fmt.Errorf("--org-role %q: want a role name such as OrganizationAccountAccessRole, not an ARN", f.OrgRole)
	}
	return nil
}

// Given lists the scope flags set on cmd's command line.
func Given(cmd *cobra.Command) []string {
	var given []string
	for _, n := range Names {
		if fl := cmd.Flags().Lookup(n); fl != nil && fl.Changed {
			given = append(given, "--"+n)
		}
	}
	return given
}
