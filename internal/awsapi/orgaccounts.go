package awsapi

import (
	"context"

	"github.com/vpcdoctor/vpcdoctor/internal/awsapi/livescope"
)

// OrganizationAccounts lists the ACTIVE accounts of the AWS Organization
// of opt's credentials (organizations ListAccounts, every page), sorted,
// once each: the listing Collect makes for an organisation role, with the
// same adaptive retry and a timeout of two minutes per page. The Lambda
// function's accounts mode calls it to fan a scan out.
func OrganizationAccounts(ctx context.Context, opt Options) ([]string, error) {
	c := &collector{opt: CollectOptions{Scope: livescope.Scope{Endpoint: opt.Endpoint}}.withDefaults()}
	if opt.Region != "" {
		c.opt.Regions = []string{opt.Region}
	}
	cfg, err := c.config(ctx, opt.Profile)
	if err != nil {
		return nil, err
	}
	return c.organization(ctx, cfg)
}
