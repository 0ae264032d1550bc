package fakeaws

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
)

// apiError is an error answered in the service's own error format.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// writeError answers e in the error format of c's protocol.
func writeError(w http.ResponseWriter, c *call, e *apiError) {
	h := w.Header()
	switch c.protocol {
	case "ec2":
		h.Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(e.status)
		fmt.Fprintf(w, "%s<Response><Errors><Error><Code>%s</Code><Message>%s</Message></Error></Errors><RequestID>%s</RequestID></Response>",
			xml.Header, escape(e.code), escape(e.message), c.id)
	case "query":
		kind := "Sender"
		if e.status >= 500 {
			kind = "Receiver"
		}
		h.Set("Content-Type", "text/xml;charset=UTF-8")
		w.WriteHeader(e.status)
		fmt.Fprintf(w, "%s<ErrorResponse xmlns=%q><Error><Type>%s</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>",
			xml.Header, xmlNamespaces[c.service], kind, escape(e.code), escape(e.message), c.id)
	default:
		if c.protocol == "json" {
			h.Set("Content-Type", "application/x-amz-json-1.1")
		} else {
			h.Set("Content-Type", "application/json")
		}
		h.Set("X-Amzn-ErrorType", e.code)
		h.Set("X-Amzn-RequestId", c.id)
		w.WriteHeader(e.status)
		body, _ := json.Marshal(map[string]string{"__type": e.code, "message": e.message})
		w.Write(body)
	}
}

func escape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
