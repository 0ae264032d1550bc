package fakeaws

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	ec2types "github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/vpcdoctor/vpcdoctor/internal/model"
)

// richDir is a second account (123456789012) with two regions.
const richDir = "../source/snapshot/testdata/rich"

// multiAccount lays out a multi-account snapshot: the example as
// 111122223333 and the loader's rich test account as 123456789012.
func multiAccount(t *testing.T) string {
	t.Helper()
	root := t.TempDir()
	for from, to := range map[string]string{exampleDir: "prod", richDir: "staging"} {
		if err := os.CopyFS(filepath.Join(root, to), os.DirFS(from)); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// TestAssumeRoleIntoOrganization: the management account lists the
// organization's accounts, assumes a role in another one and is answered
// from that account's folder.
func TestAssumeRoleIntoOrganization(t *testing.T) {
	ctx := context.Background()
	srv, cfg := startFake(t, Options{Snapshot: multiAccount(t), PageSize: 1}, "us-east-1")

	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	if *id.Account != "111122223333" || !strings.Contains(*id.Arn, "AWSReservedSSO") {
		t.Errorf("base credentials are %s %s, want the first account's identity file", *id.Account, *id.Arn)
	}

	var accounts []string
	p := organizations.NewListAccountsPaginator(organizations.NewFromConfig(cfg), &organizations.ListAccountsInput{})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		must(t, err)
		for _, a := range out.Accounts {
			if a.Status != "ACTIVE" || a.JoinedTimestamp == nil || a.JoinedTimestamp.Year() != 2020 {
				t.Errorf("account %s: status %s, joined %v", *a.Id, a.Status, a.JoinedTimestamp)
			}
			accounts = append(accounts, *a.Id)
		}
	}
	if strings.Join(accounts, ",") != "111122223333,123456789012" || count(srv, "ListAccounts", "") != 2 {
		t.Errorf("ListAccounts: %v in %d requests, want both accounts one page each", accounts, count(srv, "ListAccounts", ""))
	}

	stsClient := sts.NewFromConfig(cfg)
	assumed := cfg.Copy()
	assumed.Region = "ap-northeast-1"
	assumed.Credentials = aws.NewCredentialsCache(stscreds.NewAssumeRoleProvider(stsClient, "arn:aws:iam::123456789012:role/vpcdoctor-read"))
	who, err := sts.NewFromConfig(assumed).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	must(t, err)
	if *who.Account != "123456789012" || !strings.HasPrefix(*who.Arn, "arn:aws:sts::123456789012:assumed-role/vpcdoctor-read/") {
		t.Errorf("assumed identity %s %s", *who.Account, *who.Arn)
	}
	var vpcs []ec2types.Vpc
	pv := ec2.NewDescribeVpcsPaginator(ec2.NewFromConfig(assumed), &ec2.DescribeVpcsInput{})
	must(t, drain(pv.HasMorePages, func() (*ec2.DescribeVpcsOutput, error) { return pv.NextPage(ctx) }, func(o *ec2.DescribeVpcsOutput) { vpcs = append(vpcs, o.Vpcs...) }))
	want := fixture(t, file(richDir, "ap-northeast-1", string(model.CallVPCs)), "Vpcs")
	sameItems(t, "VPCs of the assumed account", want, asJSON(t, vpcs))
	last := srv.Requests()[len(srv.Requests())-1]
	if last.Account != "123456789012" || last.Operation != "DescribeVpcs" || last.Region != "ap-northeast-1" || last.Status != 200 {
		t.Errorf("last request recorded as %+v", last)
	}

	_, err = stsClient.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::999999999999:role/x"), RoleSessionName: aws.String("s")})
	if apiCode(err) != "AccessDenied" {
		t.Errorf("AssumeRole into an account outside the organization: %v, want AccessDenied", err)
	}
}

// TestExternalID: with Options.ExternalID, AssumeRole needs it.
func TestExternalID(t *testing.T) {
	ctx := context.Background()
	_, cfg := startFake(t, Options{Snapshot: multiAccount(t), ExternalID: "oyatsu"}, "us-east-1")
	c := sts.NewFromConfig(cfg)
	in := &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::123456789012:role/r"), RoleSessionName: aws.String("s")}
	if _, err := c.AssumeRole(ctx, in); apiCode(err) != "AccessDenied" {
		t.Errorf("without the external ID: %v, want AccessDenied", err)
	}
	in.ExternalId = aws.String("oyatsu")
	out, err := c.AssumeRole(ctx, in)
	must(t, err)
	if *out.Credentials.AccessKeyId != "ASIAFAKE123456789012" || out.Credentials.Expiration == nil {
		t.Errorf("credentials %+v", out.Credentials)
	}
}

// TestUnknownAccessKeyOfFake: credentials that look issued by the fake for
// an account it does not know are refused, as AWS refuses a bad key.
func TestUnknownAccessKeyOfFake(t *testing.T) {
	srv, _ := startFake(t, Options{Snapshot: exampleDir}, "ap-northeast-1")
	cfg := sdkConfig(t, srv, "ap-northeast-1", credentials.NewStaticCredentialsProvider("ASIAFAKE999999999999", "s", "t"))
	_, err := ec2.NewFromConfig(cfg).DescribeVpcs(context.Background(), &ec2.DescribeVpcsInput{})
	if apiCode(err) != "AuthFailure" {
		t.Errorf("got %v, want AuthFailure", err)
	}
}

// TestEndpointFromEnvironment: the SDK finds the fake through
// AWS_ENDPOINT_URL, as it finds LocalStack, with the environment's keys.
func TestEndpointFromEnvironment(t *testing.T) {
	srv, err := New(Options{Snapshot: exampleDir})
	must(t, err)
	defer srv.Close()
	t.Setenv("AWS_ENDPOINT_URL", srv.URL())
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDENVIRONMENT")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	t.Setenv("AWS_REGION", "ap-northeast-1")
	cfg, err := config.LoadDefaultConfig(context.Background(), config.WithSharedConfigFiles([]string{}), config.WithSharedCredentialsFiles([]string{}))
	must(t, err)
	out, err := ec2.NewFromConfig(cfg).DescribeSecurityGroups(context.Background(), &ec2.DescribeSecurityGroupsInput{})
	must(t, err)
	if len(out.SecurityGroups) != 2 || out.NextToken == nil {
		t.Errorf("first page: %d groups, token %v; want 2 and a token", len(out.SecurityGroups), out.NextToken)
	}
	if r := srv.Requests(); len(r) != 1 || r[0] != (Request{Service: "ec2", Operation: "DescribeSecurityGroups", Region: "ap-northeast-1", Account: "111122223333", Status: 200}) {
		t.Errorf("requests recorded: %+v", r)
	}
}
