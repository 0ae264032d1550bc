package fakeaws

import (
	"regexp"
	"strings"
	"time"
)

// sessionPrefix starts the session tokens the fake's AssumeRole issues:
// "fakeaws/ACCOUNT/ROLE/SESSION".
const sessionPrefix = "fakeaws/"

var roleArn = regexp.MustCompile(`^arn:aws[a-z-]*:iam::([0-9]{12}):role/(?:[^/]+/)*([^/]+)$`)

// callerIdentity answers sts GetCallerIdentity: the snapshot's file for
// base credentials, the assumed role for the fake's own credentials.
func (s *Server) callerIdentity(c *call, _ operationDef, _ opSpec) (map[string]any, *apiError) {
	if rest, ok := strings.CutPrefix(c.token, sessionPrefix); ok && strings.HasPrefix(c.accessKey, "ASIAFAKE") {
		parts := strings.SplitN(rest, "/", 3)
		if len(parts) == 3 {
			return map[string]any{
				"Account": c.accountID,
				"Arn":     "arn:aws:sts::" + c.accountID + ":assumed-role/" + parts[1] + "/" + parts[2],
				"UserId":  "AROAFAKE" + c.accountID + ":" + parts[2],
			}, nil
		}
	}
	if c.account.identity != "" {
		doc, err := s.data.object(c.account.identity)
		if err != nil {
			return nil, errorf(500, "InternalFailure", "fakeaws: snapshot file %v", err)
		}
		if doc != nil {
			return doc, nil
		}
	}
	return map[string]any{
		"Account": c.accountID,
		"Arn":     "arn:aws:iam::" + c.accountID + ":user/fakeaws",
		"UserId":  "AIDAFAKE" + c.accountID,
	}, nil
}

// assumeRole answers sts AssumeRole for a role of an account of the
// snapshot or of the organization, with credentials whose access key ID
// names the account.
func (s *Server) assumeRole(c *call, _ operationDef, _ opSpec) (map[string]any, *apiError) {
	arn, session := c.param("RoleArn"), c.param("RoleSessionName")
	m := roleArn.FindStringSubmatch(arn)
	if m == nil || session == "" {
		return nil, badParameter(c, "RoleArn %q must be an IAM role ARN and RoleSessionName is required", arn)
	}
	acct, role := m[1], m[2]
	if s.byID[acct] == nil && !s.inOrganization(acct) {
		return nil, errorf(403, "AccessDenied", "User: arn:aws:iam::%s:user/fakeaws is not authorized to perform: sts:AssumeRole on resource: %s (no such account in the snapshot)", c.accountID, arn)
	}
	if s.opt.ExternalID != "" && c.param("ExternalId") != s.opt.ExternalID {
		return nil, errorf(403, "AccessDenied", "User: arn:aws:iam::%s:user/fakeaws is not authorized to perform: sts:AssumeRole on resource: %s (external ID)", c.accountID, arn)
	}
	return map[string]any{
		"Credentials": map[string]any{
			"AccessKeyId":     "ASIAFAKE" + acct,
			"SecretAccessKey": "fakeaws-secret",
			"SessionToken":    sessionPrefix + acct + "/" + role + "/" + session,
			"Expiration":      time.Now().Add(time.Hour).UTC().Format(time.RFC3339),
		},
		"AssumedRoleUser": map[string]any{
			"AssumedRoleId": "AROAFAKE" + acct + ":" + session,
			"Arn":           "arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + session,
		},
	}, nil
}

// organization is the account IDs ListAccounts answers.
func (s *Server) organization() []string {
	if s.opt.Organization != nil {
		return s.opt.Organization
	}
	ids := make([]string, len(s.accounts))
	for i, a := range s.accounts {
		ids[i] = a.id
	}
	return ids
}

func (s *Server) inOrganization(id string) bool {
	for _, o := range s.organization() {
		if o == id {
			return true
		}
	}
	return false
}

// listAccounts answers organizations ListAccounts: every account of the
// organization, ACTIVE.
func (s *Server) listAccounts(c *call, def operationDef, _ opSpec) (map[string]any, *apiError) {
	var items []any
	for _, id := range s.organization() {
		name := id
		if a := s.byID[id]; a != nil {
			name = a.name
		}
		method := "INVITED"
		if id == s.mgmt.id {
			method = "CREATED"
		}
		items = append(items, map[string]any{
			"Id":              id,
			"Arn":             "arn:aws:organizations::" + s.mgmt.id + ":account/o-fakeaws/" + id,
			"Email":           "aws+" + id + "@example.com",
			"Name":            name,
			"Status":          "ACTIVE",
			"State":           "ACTIVE",
			"JoinedMethod":    method,
			"JoinedTimestamp": "2020-04-01T00:00:00Z",
		})
	}
	return s.page(c, def, map[string]any{"Accounts": orEmpty(items)})
}
