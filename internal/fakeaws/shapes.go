package fakeaws

// The wire shapes of the outputs the fake answers: what each member of the
// AWS CLI's JSON is called on the wire, which values are timestamps, how
// lists are wrapped. shapes_gen.go holds those the botocore models in the
// corpus give; the few the corpus lacks (STS, Organizations, ELBv2's
// DescribeTargetGroupAttributes) are written here from the SDK's
// deserializers.

// kind is a shape's type.
type kind uint8

const (
	kindStructure kind = iota + 1
	kindList
	kindMap
)

// shapeDef is one structure, list or map shape. Members and items refer to
// other shapes by "SERVICE.Shape", or to a scalar type by its botocore name
// ("string", "boolean", "integer", "double", "float", "timestamp", "blob").
type shapeDef struct {
	Kind    kind
	Members []memberDef // structures
	// Item is a list's item shape or a map's value shape.
	Item string
	// ItemName is the XML element of each list item ("item" in EC2,
	// "member" in the Query protocol, unless the model names it), or of a
	// map's value.
	ItemName string
	Key      string // a map's key shape
	KeyName  string // a map's key element
	// Flattened lists repeat the member's element instead of wrapping
	// items in it.
	Flattened bool
}

// memberDef is one member of a structure: its name in the AWS CLI's JSON
// (the model's member name), its XML element name and its shape.
type memberDef struct {
	Name, Wire, Shape string
}

// operationDef is an operation's output shape and pagination, from the
// models' paginators.
type operationDef struct {
	Protocol      string // "ec2", "query", "json", "rest-json"
	Output        string // the output shape
	ResultWrapper string // the Query protocol's <OperationResult> element
	InputToken    string // the request parameter carrying the page token
	OutputToken   string // the output member carrying the next page's token
	LimitKey      string // the request parameter limiting a page
	ResultKey     string // the output member holding the items
}

// handOperations are the operations whose shapes the corpus' models lack.
var handOperations = map[string]operationDef{
	"sts.GetCallerIdentity":               {Protocol: "query", Output: "sts.GetCallerIdentityResponse", ResultWrapper: "GetCallerIdentityResult"},
	"sts.AssumeRole":                      {Protocol: "query", Output: "sts.AssumeRoleResponse", ResultWrapper: "AssumeRoleResult"},
	"organizations.ListAccounts":          {Protocol: "json", Output: "organizations.ListAccountsResponse", InputToken: "NextToken", OutputToken: "NextToken", LimitKey: "MaxResults", ResultKey: "Accounts"},
	"elbv2.DescribeTargetGroupAttributes": {Protocol: "query", Output: "elbv2.DescribeTargetGroupAttributesOutput", ResultWrapper: "DescribeTargetGroupAttributesResult"},
}

// handShapes are the shapes of handOperations.
var handShapes = map[string]shapeDef{
	"sts.GetCallerIdentityResponse": {Kind: kindStructure, Members: []memberDef{{"Account", "Account", "string"}, {"Arn", "Arn", "string"}, {"UserId", "UserId", "string"}}},
	"sts.AssumeRoleResponse": {Kind: kindStructure, Members: []memberDef{{"AssumedRoleUser", "AssumedRoleUser", "sts.AssumedRoleUser"},
		{"Credentials", "Credentials", "sts.Credentials"}, {"PackedPolicySize", "PackedPolicySize", "integer"}, {"SourceIdentity", "SourceIdentity", "string"}}},
	"sts.AssumedRoleUser": {Kind: kindStructure, Members: []memberDef{{"Arn", "Arn", "string"}, {"AssumedRoleId", "AssumedRoleId", "string"}}},
	"sts.Credentials": {Kind: kindStructure, Members: []memberDef{{"AccessKeyId", "AccessKeyId", "string"}, {"Expiration", "Expiration", "timestamp"},
		{"SecretAccessKey", "SecretAccessKey", "string"}, {"SessionToken", "SessionToken", "string"}}},
	"organizations.ListAccountsResponse": {Kind: kindStructure, Members: []memberDef{{"Accounts", "Accounts", "organizations.Accounts"}, {"NextToken", "NextToken", "string"}}},
	"organizations.Accounts":             {Kind: kindList, Item: "organizations.Account"},
	"organizations.Account": {Kind: kindStructure, Members: []memberDef{{"Arn", "Arn", "string"}, {"Email", "Email", "string"}, {"Id", "Id", "string"},
		{"JoinedMethod", "JoinedMethod", "string"}, {"JoinedTimestamp", "JoinedTimestamp", "timestamp"}, {"Name", "Name", "string"},
		{"State", "State", "string"}, {"Status", "Status", "string"}}},
	"elbv2.DescribeTargetGroupAttributesOutput": {Kind: kindStructure, Members: []memberDef{{"Attributes", "Attributes", "elbv2.TargetGroupAttributes"}}},
	"elbv2.TargetGroupAttributes":               {Kind: kindList, Item: "elbv2.TargetGroupAttribute", ItemName: "member"},
	"elbv2.TargetGroupAttribute":                {Kind: kindStructure, Members: []memberDef{{"Key", "Key", "string"}, {"Value", "Value", "string"}}},
}

// operationFor returns the definition of "SERVICE.Operation".
func operationFor(name string) (operationDef, bool) {
	if d, ok := genOperations[name]; ok {
		return d, true
	}
	d, ok := handOperations[name]
	return d, ok
}

// shapeFor returns the definition of a structure, list or map shape.
func shapeFor(ref string) (shapeDef, bool) {
	if d, ok := genShapes[ref]; ok {
		return d, true
	}
	d, ok := handShapes[ref]
	return d, ok
}
