package plan

import (
	"bytes"
	"encoding/json"
	"strings"
)

// Words of Command.Args. A placeholder ID in a command is written as the
// shell variable that holds its real ID once looked up by tag: "${VAR}",
// where VAR is the ID upper-cased with "-" turned into "_"
// ("sg-new-web" → "${SG_NEW_WEB}"). Placeholder IDs are made of [a-z0-9-]
// only, so the variable names the placeholder back exactly (placeholderOfVar).
// A "${NAME}" whose NAME does not name a placeholder (AWS's own
// "${version}" in a flow-log format, "${HOME}" in someone's description)
// is literal text.

// varName is the shell variable holding the real ID of placeholder id.
func varName(id string) string {
	b := []byte(strings.ToUpper(id))
	for i, c := range b {
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			b[i] = '_'
		}
	}
	return string(b)
}

// placeholderOfVar returns the placeholder ID a variable name stands for,
// and whether it stands for one.
func placeholderOfVar(v string) (string, bool) {
	if v == "" {
		return "", false
	}
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			return "", false
		}
	}
	id := strings.ReplaceAll(strings.ToLower(v), "_", "-")
	if !IsPlaceholder(id) || strings.HasSuffix(id, "-") || strings.Contains(id, "--") {
		return "", false
	}
	return id, true
}

// ref is how a command names a resource: a placeholder becomes its
// variable, an existing ID stays as it is.
func ref(id string) string {
	if IsPlaceholder(id) {
		return "${" + varName(id) + "}"
	}
	return id
}

// refs maps ref over ids.
func refs(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = ref(id)
	}
	return out
}

// wordPart is a literal piece of a word or a variable reference.
type wordPart struct {
	text  string
	isVar bool
}

// splitWord cuts a word into literal text and placeholder variables
// ("${NAME}" where NAME names a placeholder). A whole word "$NAME" is a
// variable too (Command's documented form).
func splitWord(w string) []wordPart {
	if strings.HasPrefix(w, "$") && !strings.HasPrefix(w, "${") {
		if _, ok := placeholderOfVar(w[1:]); ok {
			return []wordPart{{text: w[1:], isVar: true}}
		}
	}
	if !strings.Contains(w, "${") {
		return []wordPart{{text: w}}
	}
	var parts []wordPart
	last, i := 0, 0
	for {
		j := strings.Index(w[i:], "${")
		if j < 0 {
			break
		}
		j += i
		k := strings.IndexByte(w[j+2:], '}')
		if k < 0 {
			break
		}
		name := w[j+2 : j+2+k]
		if _, ok := placeholderOfVar(name); !ok {
			i = j + 2
			continue
		}
		if j > last {
			parts = append(parts, wordPart{text: w[last:j]})
		}
		parts = append(parts, wordPart{text: name, isVar: true})
		last = j + 3 + k
		i = last
	}
	if last < len(w) || len(parts) == 0 {
		parts = append(parts, wordPart{text: w[last:]})
	}
	return parts
}

// placeholdersIn returns the placeholder IDs the words refer to, in order
// of first appearance.
func placeholdersIn(words []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, w := range words {
		for _, p := range splitWord(w) {
			if !p.isVar || seen[p.text] {
				continue
			}
			seen[p.text] = true
			id, _ := placeholderOfVar(p.text)
			out = append(out, id)
		}
	}
	return out
}

// jsonArg renders v as one compact JSON word (AWS CLI accepts JSON for any
// structured parameter; unlike the shorthand syntax it quotes names with
// commas, spaces and brackets correctly). HTML characters stay as they are.
func jsonArg(v any) string {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		// Only maps, slices and strings reach here; they always encode.
		panic("plan: encode command argument: " + err.Error())
	}
	return strings.TrimSuffix(buf.String(), "\n")
}

// awsTag is a tag in the AWS CLI's JSON.
type awsTag struct {
	Key   string `json:"Key"`
	Value string `json:"Value"`
}

// tagsOf are the tags of a new object: the placeholder tag that finds it
// again, and its Name when it has one.
func tagsOf(placeholder, name string) []awsTag {
	tags := []awsTag{{Key: TagPlaceholder, Value: placeholder}}
	if name != "" {
		tags = append(tags, awsTag{Key: "Name", Value: name})
	}
	return tags
}

// tagSpecs is EC2's --tag-specifications for a new object of the given
// resource types.
func tagSpecs(placeholder, name string, resourceTypes ...string) string {
	type spec struct {
		ResourceType string   `json:"ResourceType"`
		Tags         []awsTag `json:"Tags"`
	}
	specs := make([]spec, len(resourceTypes))
	for i, t := range resourceTypes {
		specs[i] = spec{ResourceType: t, Tags: tagsOf(placeholder, name)}
	}
	return jsonArg(specs)
}

// tagsArg is RDS's and ElastiCache's --tags.
func tagsArg(placeholder, name string) string {
	return jsonArg(tagsOf(placeholder, name))
}

// alreadyDone lists, per AWS CLI operation, the error codes with which AWS
// refuses a repeat of a call that already took effect. The runbook treats
// them as success, which makes those calls safe to re-run.
var alreadyDone = map[string][]string{
	"ec2 associate-route-table":               {"Resource.AlreadyAssociated"},
	"ec2 authorize-security-group-egress":     {"InvalidPermission.Duplicate"},
	"ec2 authorize-security-group-ingress":    {"InvalidPermission.Duplicate"},
	"ec2 create-route":                        {"RouteAlreadyExists"},
	"ec2 delete-flow-logs":                    {"InvalidFlowLogId.NotFound"},
	"ec2 delete-route":                        {"InvalidRoute.NotFound"},
	"ec2 delete-security-group":               {"InvalidGroup.NotFound"},
	"ec2 revoke-security-group-egress":        {"InvalidPermission.NotFound"},
	"ec2 revoke-security-group-ingress":       {"InvalidPermission.NotFound"},
	"elasticache create-cache-subnet-group":   {"CacheSubnetGroupAlreadyExists"},
	"elasticache create-replication-group":    {"ReplicationGroupAlreadyExists"},
	"elasticache create-cache-cluster":        {"CacheClusterAlreadyExists"},
	"elasticache create-snapshot":             {"SnapshotAlreadyExistsFault"},
	"elasticache delete-cache-subnet-group":   {"CacheSubnetGroupNotFoundFault"},
	"elasticache delete-replication-group":    {"ReplicationGroupNotFoundFault"},
	"elasticache delete-cache-cluster":        {"CacheClusterNotFound"},
	"elasticache delete-snapshot":             {"SnapshotNotFoundFault"},
	"iam add-role-to-instance-profile":        {"LimitExceeded"},
	"iam create-instance-profile":             {"EntityAlreadyExists"},
	"iam create-role":                         {"EntityAlreadyExists"},
	"iam delete-instance-profile":             {"NoSuchEntity"},
	"iam delete-role":                         {"NoSuchEntity"},
	"iam detach-role-policy":                  {"NoSuchEntity"},
	"iam remove-role-from-instance-profile":   {"NoSuchEntity"},
	"rds create-db-instance":                  {"DBInstanceAlreadyExists"},
	"rds create-db-instance-read-replica":     {"DBInstanceAlreadyExists"},
	"rds create-db-subnet-group":              {"DBSubnetGroupAlreadyExists"},
	"rds delete-db-cluster":                   {"DBClusterNotFoundFault"},
	"rds delete-db-instance":                  {"DBInstanceNotFound"},
	"rds delete-db-subnet-group":              {"DBSubnetGroupNotFoundFault"},
	"rds restore-db-cluster-to-point-in-time": {"DBClusterAlreadyExistsFault"},
}

// operation is "service operation" of a command, e.g. "ec2 create-subnet".
func operation(args []string) string {
	if len(args) < 2 {
		return strings.Join(args, " ")
	}
	return args[0] + " " + args[1]
}

// idempotenceOf says why re-running a command is safe, or "" when it is
// not, for Command.Idempotent.
func idempotenceOf(args []string, sets string) string {
	op := operation(args)
	switch {
	case sets != "":
		return "looks up " + TagPlaceholder + " first: creates only when no resource has the tag"
	case len(args) > 1 && args[1] == "wait":
		return "waits only"
	case len(args) > 1 && (strings.HasPrefix(args[1], "describe-") || strings.HasPrefix(args[1], "get-") || strings.HasPrefix(args[1], "list-")):
		return "reads only"
	case len(alreadyDone[op]) > 0:
		return "AWS refuses a repeat with " + strings.Join(alreadyDone[op], " or ") + ", which the runbook takes as done"
	case len(args) > 1 && (strings.HasPrefix(args[1], "modify-") || strings.HasPrefix(args[1], "update-") ||
		strings.HasPrefix(args[1], "set-") || strings.HasPrefix(args[1], "apply-") ||
		strings.HasPrefix(args[1], "stop-") || strings.HasPrefix(args[1], "start-") ||
		strings.HasPrefix(args[1], "terminate-") || strings.HasPrefix(args[1], "attach-")):
		if hasRename(args) {
			return ""
		}
		return "sets a value: a repeat sets the same value"
	case op == "elbv2 register-targets", op == "elbv2 deregister-targets",
		op == "elb register-instances-with-load-balancer", op == "elb deregister-instances-from-load-balancer":
		return "AWS ignores a repeat"
	}
	return ""
}

// hasRename reports whether a modify call renames a database: a repeat
// would rename whatever then carries the name.
func hasRename(args []string) bool {
	for _, a := range args {
		if a == "--new-db-cluster-identifier" || a == "--new-db-instance-identifier" {
			return true
		}
	}
	return false
}
