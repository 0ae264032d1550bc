package fakeaws

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// maxBody bounds a request body; the collector's requests are tiny.
const maxBody = 1 << 20

// call is one parsed request.
type call struct {
	protocol  string // "ec2", "query", "json", "rest-json"
	service   string // the fake's service name
	operation string
	region    string
	accessKey string
	token     string // X-Amz-Security-Token
	account   *account
	accountID string
	form      url.Values     // Query protocols; Lambda's query string
	body      map[string]any // JSON protocols
	digest    string         // identifies the request for Throttle's retries
	source    string         // the one snapshot file the answer comes from, if so
	first     int            // the page answered: its first item
	end       int            // and the item after its last
	cacheKey  string         // set when the encoded answer depends only on source and the page
	members   []byte         // the answer's members, encoded
	id        string         // the request ID answered
}

// jsonTargets maps the JSON protocol's X-Amz-Target prefixes to services.
var jsonTargets = map[string]string{
	"AmazonEC2ContainerServiceV20141113": "ecs",
	"AWSOrganizationsV20161128":          "organizations",
}

// queryVersions maps the Query protocol's Version to services (ELB and
// ELBv2 sign as the same service, elasticloadbalancing).
var queryVersions = map[string]string{
	"2016-11-15": "ec2",
	"2012-06-01": "elb",
	"2015-12-01": "elbv2",
	"2014-10-31": "rds",
	"2015-02-02": "elasticache",
	"2011-06-15": "sts",
}

// parseCall reads the protocol, service, operation, region and parameters
// of r. The protocol is known before anything can fail, so that every error
// is answered in the format the client expects.
func parseCall(r *http.Request) (*call, *apiError) {
	c := &call{protocol: "query"}
	switch {
	case r.Header.Get("X-Amz-Target") != "":
		c.protocol = "json"
	case strings.HasPrefix(r.URL.Path, "/2015-03-31/"):
		c.protocol = "rest-json"
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	if err != nil {
		return c, errorf(400, "IncompleteBody", "cannot read the request body: %v", err)
	}
	if len(body) > maxBody {
		return c, errorf(413, "RequestEntityTooLarge", "request body above %d bytes", maxBody)
	}
	sum := sha256.Sum256(append([]byte(r.Method+" "+r.URL.RequestURI()+"\n"), body...))
	c.digest = hex.EncodeToString(sum[:8])

	scopeService, perr := c.parseAuth(r)
	switch c.protocol {
	case "json":
		target := r.Header.Get("X-Amz-Target")
		prefix, op, _ := strings.Cut(target, ".")
		c.service, c.operation = jsonTargets[prefix], op
		if c.service == "" || op == "" {
			return c, errorf(400, "UnknownOperationException", "unknown X-Amz-Target %q", target)
		}
		if len(bytes.TrimSpace(body)) == 0 {
			body = []byte("{}")
		}
		obj, err := decodeObject(body)
		if err != nil {
			return c, errorf(400, "SerializationException", "request body is not a JSON object: %v", err)
		}
		c.body = obj
	case "rest-json":
		c.service = "lambda"
		c.form = r.URL.Query()
		switch p := strings.TrimSuffix(r.URL.Path, "/"); {
		case r.Method == http.MethodGet && p == "/2015-03-31/functions":
			c.operation = "ListFunctions"
		default:
			return c, errorf(404, "UnknownOperationException", "the fake serves no %s %s", r.Method, r.URL.Path)
		}
	default:
		form, err := url.ParseQuery(string(body))
		if err != nil {
			return c, errorf(400, "MalformedQueryString", "request body is not a form: %v", err)
		}
		for k, v := range r.URL.Query() {
			form[k] = append(form[k], v...)
		}
		c.form = form
		c.operation = form.Get("Action")
		c.service = queryVersions[form.Get("Version")]
		if scopeService == "ec2" || c.service == "ec2" {
			c.protocol, c.service = "ec2", "ec2"
		}
		if c.operation == "" || c.service == "" {
			return c, errorf(400, "InvalidAction", "no Action, or a Version the fake does not serve (%q)", form.Get("Version"))
		}
	}
	if perr != nil {
		return c, perr
	}
	if want := signingName(c.service); scopeService != want {
		return c, errorf(400, "InvalidSignatureException", "signed for service %q, but the request is for %s", scopeService, want)
	}
	return c, nil
}

// parseAuth reads the region and the signing service from the SigV4
// credential scope and the access key: AKID/DATE/REGION/SERVICE/aws4_request.
func (c *call) parseAuth(r *http.Request) (string, *apiError) {
	auth := r.Header.Get("Authorization")
	if auth == "" {
		return "", errorf(403, "MissingAuthenticationToken", "the request is not signed (no Authorization header)")
	}
	_, rest, ok := strings.Cut(auth, "Credential=")
	if !ok || !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 ") {
		return "", errorf(403, "IncompleteSignature", "the Authorization header is not AWS4-HMAC-SHA256 with a Credential")
	}
	cred, _, _ := strings.Cut(rest, ",")
	parts := strings.Split(strings.TrimSpace(cred), "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" || parts[2] == "" {
		return "", errorf(403, "IncompleteSignature", "credential scope %q is not AKID/DATE/REGION/SERVICE/aws4_request", cred)
	}
	c.accessKey, c.region = parts[0], parts[2]
	c.token = r.Header.Get("X-Amz-Security-Token")
	return parts[3], nil
}

// signingName is the SigV4 service name of a fake service.
func signingName(service string) string {
	if service == "elb" || service == "elbv2" {
		return "elasticloadbalancing"
	}
	return service
}

// param returns a request parameter as a string, or "" when absent. Query
// names are matched case-insensitively.
func (c *call) param(name string) string {
	if c.body != nil {
		switch v := c.body[name].(type) {
		case string:
			return v
		case json.Number:
			return v.String()
		case bool:
			return strconv.FormatBool(v)
		}
		return ""
	}
	if v, ok := c.form[name]; ok && len(v) > 0 {
		return v[0]
	}
	for k, v := range c.form {
		if strings.EqualFold(k, name) && len(v) > 0 {
			return v[0]
		}
	}
	return ""
}

// list returns a list parameter: a JSON array, or the Query protocol's
// NAME.member.N (or NAME.N) values in order.
func (c *call) list(name string) []string {
	if c.body != nil {
		arr, _ := c.body[name].([]any)
		var out []string
		for _, v := range arr {
			if s, ok := v.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	var out []string
	for i := 1; ; i++ {
		v := c.param(name + ".member." + strconv.Itoa(i))
		if v == "" {
			v = c.param(name + "." + strconv.Itoa(i))
		}
		if v == "" {
			return out
		}
		out = append(out, v)
	}
}
