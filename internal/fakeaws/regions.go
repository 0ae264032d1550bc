package fakeaws

import (
	"maps"
	"slices"
)

// optInRegions are the commercial regions an account must opt in to.
var optInRegions = map[string]bool{
	"af-south-1": true, "ap-east-1": true, "ap-east-2": true, "ap-south-2": true,
	"ap-southeast-3": true, "ap-southeast-4": true, "ap-southeast-5": true,
	"ap-southeast-6": true, "ap-southeast-7": true, "ca-west-1": true,
	"eu-central-2": true, "eu-south-1": true, "eu-south-2": true,
	"il-central-1": true, "me-central-1": true, "me-south-1": true, "mx-central-1": true,
}

// defaultRegions are the commercial regions enabled in every account.
var defaultRegions = []string{
	"ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-south-1",
	"ap-southeast-1", "ap-southeast-2", "ca-central-1", "eu-central-1",
	"eu-north-1", "eu-west-1", "eu-west-2", "eu-west-3", "sa-east-1",
	"us-east-1", "us-east-2", "us-west-1", "us-west-2",
}

// describeRegions answers ec2 DescribeRegions: the enabled regions, and
// with AllRegions=true every known region with its opt-in status.
func (s *Server) describeRegions(c *call) map[string]any {
	all := c.param("AllRegions") == "true"
	known := map[string]bool{}
	for _, r := range defaultRegions {
		known[r] = true
	}
	for r := range optInRegions {
		known[r] = true
	}
	for _, r := range s.regions {
		known[r] = true
	}
	for r := range s.enabled {
		known[r] = true
	}
	names := slices.Sorted(maps.Keys(known))
	var items []any
	for _, r := range names {
		status := "opt-in-not-required"
		switch {
		case !s.enabled[r]:
			status = "not-opted-in"
		case optInRegions[r]:
			status = "opted-in"
		}
		if !s.enabled[r] && !all {
			continue
		}
		items = append(items, map[string]any{
			"RegionName":  r,
			"Endpoint":    "ec2." + r + ".amazonaws.com",
			"OptInStatus": status,
		})
	}
	return map[string]any{"Regions": orEmpty(items)}
}

func orEmpty(items []any) []any {
	if items == nil {
		return []any{}
	}
	return items
}
