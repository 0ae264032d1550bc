package check

// All is the catalogue, sorted by ID. Add a new check here (see
// docs/architecture.md, "How to add a check").
var All = []*Check{
	DBPubliclyAccessible,
	InternetExposed,
	ResourceInPublicSubnet,
	SGAdminPortWorldOpen,
	SGBroadPrivateSource,
	SGCachePortWorldOpen,
	SGDatabasePortWorldOpen,
	SGDefaultHasRules,
	SGEgressOpenDataTier,
	SGRuleUndocumented,
	SGSearchPortWorldOpen,
	SGSharedAcrossRoles,
	SGUnused,
	SGWidePortRange,
	SGWorldOpenAllProtocols,
	SGWorldOpenPort,
	VPCPublicSubnetsOnly,
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
