package check

// All is the catalogue, sorted by ID. Add a new check here (see
// docs/architecture.md, "How to add a check").
var All = []*Check{
	DBPubliclyAccessible,
	DefaultVPCInUse,
	EC2InstancePublicIP,
	ECSTaskPublicIP,
	ElastiCacheSubnetGroupPublicSubnet,
	ELBHTTPWithoutHTTPSRedirect,
	ELBInternalInPublicSubnet,
	ELBNLBWithoutSecurityGroup,
	ELBNonHTTPListenerWorldOpen,
	IGWUnused,
	InternetExposed,
	LambdaInPublicSubnet,
	NACLAdminPortWorldOpen,
	NATGatewaySingleAZ,
	PeeringRouteTooWide,
	RDSSubnetGroupPublicSubnet,
	ResourceInPublicSubnet,
	RouteBlackhole,
	SGAdminPortWorldOpen,
	SGBroadPrivateSource,
	SGCachePortWorldOpen,
	SGDatabasePortWorldOpen,
	SGDefaultHasRules,
	SGEgressOpenDataTier,
	SGRuleUndocumented,
	SGRuleUnusedInFlows,
	SGSearchPortWorldOpen,
	SGSharedAcrossRoles,
	SGUnused,
	SGWidePortRange,
	SGWorldOpenAllProtocols,
	SGWorldOpenPort,
	SubnetAutoAssignPublicIP,
	VPCFlowLogsDisabled,
	VPCNoDynamoDBGatewayEndpoint,
	VPCNoS3GatewayEndpoint,
	VPCPublicSubnetsOnly,
	VPCEPrivateDNSDisabled,
}

// ByID returns the check with id, or nil.
func ByID(id string) *Check {
	for _, c := range All {
		if c.ID == id {
			return c
		}
	}
	return nil
}
