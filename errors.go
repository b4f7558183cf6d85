package sentinel

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"

	"github.com/sentinel-go/sentinel/internal/pipeline"
)

// Errors for errors.Is. A *ResponseError matches the one that fits its HTTP status; an error
// object inside a success response (200 with {"error": ...}) matches the one of the status its
// code stands for ("NotFound" as 404, "InternalServerError" as 500), so both forms of an error
// classify alike. An *ArgumentError matches ErrInvalidArgument.
var (
	// ErrInvalidArgument: a caller-supplied value was rejected before any request was sent.
	ErrInvalidArgument = errors.New("sentinel: invalid argument")
	// ErrBadRequest: 400 Bad Request, the service rejected the request's content.
	ErrBadRequest = errors.New("sentinel: bad request")
	// ErrUnauthorized: 401 Unauthorized, the token is missing, expired or for another audience.
	ErrUnauthorized = errors.New("sentinel: unauthorized")
	// ErrForbidden: 403 Forbidden, the principal lacks a Microsoft Sentinel role on the workspace.
	ErrForbidden = errors.New("sentinel: forbidden")
	// ErrNotFound: 404 Not Found, the workspace or resource does not exist.
	ErrNotFound = errors.New("sentinel: not found")
	// ErrConflict: 409 Conflict (or 412), typically a stale etag on an update.
	ErrConflict = errors.New("sentinel: conflict")
	// ErrThrottled: 429 Too Many Requests that outlasted the client's throttling budget.
	ErrThrottled = errors.New("sentinel: throttled")
	// ErrServer: a 5xx status that persisted through the retries.
	ErrServer = errors.New("sentinel: server error")
)

// ResponseError is the error for every response the service answered with an unexpected
// status, or with an error object in place of the expected body. Use errors.As to read it and
// errors.Is with ErrNotFound and the others to classify it. It unwraps to the
// *azcore.ResponseError that azcore built for the same response.
type ResponseError struct {
	// StatusCode is the HTTP status of the response.
	StatusCode int
	// ErrorCode is the service's error code ("ResourceNotFound", "Conflict", "BadArgumentError").
	ErrorCode string
	// Message is the service's error message.
	Message string
	// Target is the ARM error target, when the service names one.
	Target string
	// Details are the nested errors of an ARM or Log Analytics error, innermost last.
	Details []ErrorDetail
	// RequestID is the x-ms-request-id header, which Microsoft support asks for.
	RequestID string
	// CorrelationID is the x-ms-correlation-request-id header.
	CorrelationID string
	// RetryAfter is the delay the service asked for (Retry-After and its variants), or 0.
	RetryAfter time.Duration
	// Method and URL identify the request; the URL has no query string.
	Method, URL string

	az *azcore.ResponseError
}

// ErrorDetail is one nested error of a ResponseError.
type ErrorDetail struct {
	Code    string
	Message string
	Target  string
}

// Error returns "sentinel: GET <url>: 404 ResourceNotFound: <message> (request ID <id>)".
func (e *ResponseError) Error() string {
	var b strings.Builder
	b.WriteString("sentinel: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteByte(' ')
		b.WriteString(e.URL)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if e.ErrorCode != "" {
		b.WriteByte(' ')
		b.WriteString(e.ErrorCode)
	} else if t := http.StatusText(e.StatusCode); t != "" {
		b.WriteByte(' ')
		b.WriteString(t)
	}
	if e.Message != "" {
		b.WriteString(": ")
		b.WriteString(e.Message)
	}
	writeDetails(&b, e.Message, e.Details)
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	if e.RequestID != "" {
		b.WriteString(" (request ID ")
		b.WriteString(e.RequestID)
		b.WriteByte(')')
	}
	return b.String()
}

// writeDetails appends the nested errors that add to message: "; Code: message" each.
func writeDetails(b *strings.Builder, message string, details []ErrorDetail) {
	for _, d := range details {
		if d.Message != "" && d.Message != message {
			b.WriteString("; ")
			if d.Code != "" {
				b.WriteString(d.Code)
				b.WriteString(": ")
			}
			b.WriteString(d.Message)
		}
	}
}

// Unwrap returns the *azcore.ResponseError for the same response.
func (e *ResponseError) Unwrap() error {
	if e.az == nil {
		return nil
	}
	return e.az
}

// Is reports whether target is the sentinel error that classifies e.
func (e *ResponseError) Is(target error) bool {
	return target != nil && target == e.class()
}

func (e *ResponseError) class() error {
	status := e.StatusCode
	if status < 300 {
		// An error object in a success response: classify it as the status its code stands
		// for, so that it matches what the same error with its own status would.
		status = codeStatus(e.ErrorCode)
	}
	switch status {
	case http.StatusBadRequest:
		return ErrBadRequest
	case http.StatusUnauthorized:
		return ErrUnauthorized
	case http.StatusForbidden:
		return ErrForbidden
	case http.StatusNotFound:
		return ErrNotFound
	case http.StatusConflict, http.StatusPreconditionFailed:
		return ErrConflict
	case http.StatusTooManyRequests:
		return ErrThrottled
	}
	if status >= 500 {
		return ErrServer
	}
	return nil
}

// codeStatuses maps the ARM and Log Analytics error codes (lower-cased) to the HTTP status
// each stands for. Error objects inside success responses are classified through it.
var codeStatuses = map[string]int{
	"badrequest": 400, "badargumenterror": 400, "invalidrequestcontent": 400, "invalidparameter": 400,
	"semanticerror": 400, "syntaxerror": 400, "invalidapiversionparameter": 400,
	"unauthorized": 401, "authenticationfailed": 401, "invalidauthenticationtoken": 401,
	"invalidauthenticationtokenaudience": 401, "expiredauthenticationtoken": 401,
	"forbidden": 403, "authorizationfailed": 403, "insufficientaccesserror": 403, "linkedauthorizationfailed": 403,
	"notfound": 404, "resourcenotfound": 404, "resourcegroupnotfound": 404, "subscriptionnotfound": 404,
	"pathnotfounderror": 404, "workspacenotfounderror": 404,
	"conflict": 409, "preconditionfailed": 412,
	"toomanyrequests": 429, "throttlederror": 429, "throttled": 429,
	"internalservererror": 500, "internalerror": 500, "serviceerror": 500, "servererror": 500,
	"badgateway": 502, "serviceunavailable": 503, "serverbusy": 503,
	"gatewaytimeout": 504, "servertimeout": 504, "gatewaytimeouterror": 504,
}

// codeStatus returns the HTTP status an error code stands for, or 0 for a code it does not
// know.
func codeStatus(code string) int {
	return codeStatuses[strings.ToLower(code)]
}

// ArgumentError reports a caller-supplied value that was rejected before any request was
// sent. It matches ErrInvalidArgument.
type ArgumentError struct {
	// Name is the argument or field, such as "incidentID" or "Workspace.SubscriptionID".
	Name string
	// Reason says what is wrong with it.
	Reason string
}

func (e *ArgumentError) Error() string {
	return "sentinel: invalid argument " + e.Name + ": " + e.Reason
}

// Unwrap returns ErrInvalidArgument.
func (e *ArgumentError) Unwrap() error { return ErrInvalidArgument }

// maxArgEcho bounds how much of a string argument an *ArgumentError repeats: a caller's
// 10,000-character value is not worth 10,000 characters of error message or log line.
const maxArgEcho = 128

func argError(name, format string, args ...any) error {
	for i, a := range args {
		if s, ok := a.(string); ok && len(s) > maxArgEcho {
			cut := maxArgEcho
			for cut > 0 && !utf8.RuneStart(s[cut]) {
				cut--
			}
			args[i] = s[:cut] + "..."
		}
	}
	return &ArgumentError{Name: name, Reason: fmt.Sprintf(format, args...)}
}

// DecodeError reports a success response whose body could not be decoded: truncated, not
// JSON, or not the expected shape. No partial result is returned with it.
type DecodeError struct {
	Method, URL string
	StatusCode  int
	RequestID   string
	ContentType string
	Err         error
}

func (e *DecodeError) Error() string {
	s := fmt.Sprintf("sentinel: %s %s: decoding %d response", e.Method, e.URL, e.StatusCode)
	if e.ContentType != "" {
		s += " (" + e.ContentType + ")"
	}
	s += ": " + e.Err.Error()
	if e.RequestID != "" {
		s += " (request ID " + e.RequestID + ")"
	}
	return s
}

// Unwrap returns the underlying decoding or I/O error.
func (e *DecodeError) Unwrap() error { return e.Err }

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 1 << 20

// newResponseError builds the error for resp, reading and closing its body; now is the
// client's clock, against which a Retry-After date is read.
func newResponseError(resp *http.Response, now time.Time) *ResponseError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	e := &ResponseError{
		StatusCode:    resp.StatusCode,
		RequestID:     clip(resp.Header.Get("x-ms-request-id"), maxCodeText),
		CorrelationID: clip(resp.Header.Get("x-ms-correlation-request-id"), maxCodeText),
	}
	if d, ok := pipeline.RetryAfter(resp.Header, now); ok {
		e.RetryAfter = d
	}
	if resp.Request != nil {
		e.Method = resp.Request.Method
		e.URL = cleanURL(resp.Request.URL.String())
	}
	e.parseBody(redactBody(resp, body), resp.Header.Get("Content-Type"))
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		e.Message = redirectMessage(resp)
	}
	e.redact(resp)
	var az *azcore.ResponseError
	if errors.As(runtime.NewResponseError(resp), &az) {
		e.az = az
		if e.ErrorCode == "" {
			e.ErrorCode = clip(az.ErrorCode, maxCodeText)
		}
	}
	return e
}

// errorBody is the ARM error envelope; Log Analytics uses the same with innererror.
type errorBody struct {
	Error *errorInfo `json:"error"`
	// Some resource providers put code and message at the top level.
	Code    string `json:"code"`
	Message string `json:"message"`
}

type errorInfo struct {
	Code       string      `json:"code"`
	Message    string      `json:"message"`
	Target     string      `json:"target"`
	Details    []errorInfo `json:"details"`
	InnerError *errorInfo  `json:"innererror"`
}

func (e *ResponseError) parseBody(body []byte, contentType string) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return
	}
	var eb errorBody
	if body[0] == '{' && json.Unmarshal(body, &eb, decodeOptions) == nil {
		if eb.Error != nil {
			e.fromInfo(eb.Error)
			return
		}
		if eb.Code != "" || eb.Message != "" {
			e.ErrorCode, e.Message = clip(eb.Code, maxCodeText), clip(eb.Message, maxErrorText)
			return
		}
	}
	e.Message = describeBody(body, contentType, "error body")
}

func (e *ResponseError) fromInfo(info *errorInfo) {
	e.ErrorCode, e.Message, e.Target = clip(info.Code, maxCodeText), clip(info.Message, maxErrorText), clip(info.Target, maxDetailText)
	var walk func(list []errorInfo, inner *errorInfo)
	add := func(d *errorInfo) bool {
		if len(e.Details) >= maxErrorDetails {
			return false
		}
		e.Details = append(e.Details, ErrorDetail{Code: clip(d.Code, maxCodeText), Message: clip(d.Message, maxDetailText), Target: clip(d.Target, maxDetailText)})
		return true
	}
	walk = func(list []errorInfo, inner *errorInfo) {
		for i := range list {
			if !add(&list[i]) {
				return
			}
			walk(list[i].Details, list[i].InnerError)
		}
		if inner != nil && add(inner) {
			walk(inner.Details, inner.InnerError)
		}
	}
	walk(info.Details, info.InnerError)
}

// Bounds on what an error keeps of the service's error object, so that a hostile or broken
// body (a huge message, thousands of details) cannot make error strings and logs unbounded.
const (
	maxErrorDetails = 32
	maxCodeText     = 256
	maxDetailText   = 1024
	maxErrorText    = 4096
)

// clip returns s as valid UTF-8, cut to at most n bytes on a character boundary, with "..."
// when it was cut.
func clip(s string, n int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "..."
}

// describeBody summarises a body that is not JSON, such as a proxy's HTML page: what is
// "error body" or "body".
func describeBody(body []byte, contentType, what string) string {
	s := string(body)
	// ASCII-only case folding keeps byte offsets, which are used on s: strings.ToLower
	// changes the length of invalid UTF-8 and of some letters.
	lower := asciiLower(s)
	if i := strings.Index(lower, "<title>"); i >= 0 {
		start := i + len("<title>")
		if j := strings.Index(lower[start:], "</title>"); j >= 0 {
			s = s[start : start+j]
		}
	}
	s = clip(strings.Join(strings.Fields(strings.ToValidUTF8(s, "?")), " "), 200)
	if contentType == "" {
		contentType = "no content type"
	}
	return "non-JSON " + what + " (" + clip(contentType, maxCodeText) + "): " + s
}

// asciiLower lower-cases ASCII letters only, keeping every byte offset.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// cleanURL drops the query string, the fragment and any user information from a URL for
// error messages.
func cleanURL(u string) string {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		u = u[:i]
	}
	if i := strings.Index(u, "//"); i >= 0 {
		hostEnd := len(u)
		if j := strings.IndexByte(u[i+2:], '/'); j >= 0 {
			hostEnd = i + 2 + j
		}
		if at := strings.LastIndexByte(u[i+2:hostEnd], '@'); at >= 0 {
			u = u[:i+2] + u[i+2+at+1:]
		}
	}
	return strings.ToValidUTF8(u, "?")
}

// bearerTokenOf returns the bearer token the request of resp carried, or "".
func bearerTokenOf(resp *http.Response) string {
	if resp == nil || resp.Request == nil {
		return ""
	}
	return pipeline.BearerToken(resp.Request.Header.Get("Authorization"))
}

// redactBody replaces the request's bearer token in a response body that an error message
// may quote, before anything truncates it. A service or proxy that echoes the request's
// headers would otherwise put the token into error strings and logs.
func redactBody(resp *http.Response, body []byte) []byte {
	if tok := bearerTokenOf(resp); tok != "" && bytes.Contains(body, []byte(tok)) {
		return bytes.ReplaceAll(body, []byte(tok), []byte(pipeline.Redacted))
	}
	return body
}

// redact replaces the request's bearer token in every text field of e.
func (e *ResponseError) redact(resp *http.Response) {
	tok := bearerTokenOf(resp)
	if tok == "" {
		return
	}
	r := func(s *string) { *s = strings.ReplaceAll(*s, tok, pipeline.Redacted) }
	r(&e.ErrorCode)
	r(&e.Message)
	r(&e.Target)
	r(&e.RequestID)
	r(&e.CorrelationID)
	for i := range e.Details {
		r(&e.Details[i].Code)
		r(&e.Details[i].Message)
		r(&e.Details[i].Target)
	}
}

// errorFromObject reads an ARM error object found in a success response body; the decoder
// must stand at the value of the "error" member.
func errorFromObject(dec *jsontext.Decoder, resp *http.Response) error {
	var info errorInfo
	if err := json.UnmarshalDecode(dec, &info, decodeOptions); err != nil {
		return decodeError(resp, fmt.Errorf("decoding the error object: %w", err))
	}
	e := &ResponseError{
		StatusCode:    resp.StatusCode,
		RequestID:     clip(resp.Header.Get("x-ms-request-id"), maxCodeText),
		CorrelationID: clip(resp.Header.Get("x-ms-correlation-request-id"), maxCodeText),
	}
	if resp.Request != nil {
		e.Method, e.URL = resp.Request.Method, cleanURL(resp.Request.URL.String())
	}
	e.fromInfo(&info)
	if e.ErrorCode == "" && e.Message == "" {
		e.Message = "the response carries an empty error object"
	}
	e.redact(resp)
	return e
}

// redirectMessage explains a 3xx response: the client never follows redirects, because
// following one would send the bearer token to a URL the caller did not choose.
func redirectMessage(resp *http.Response) string {
	loc := resp.Header.Get("Location")
	if loc == "" {
		return "the service answered with a redirect without a Location; redirects are not followed"
	}
	if u, err := url.Parse(loc); err == nil {
		if resp.Request != nil {
			u = resp.Request.URL.ResolveReference(u)
		}
		u.User, u.RawQuery, u.Fragment = nil, "", ""
		loc = u.String()
	} else {
		loc = cleanURL(loc)
	}
	return "the service redirected the request to " + strings.ToValidUTF8(loc, "?") + "; redirects are not followed, so that the bearer token is only sent to the client's endpoints"
}

// isConflict reports whether err is a 409 Conflict (or 412) from the service.
func isConflict(err error) bool {
	var re *ResponseError
	return errors.As(err, &re) && re.class() == ErrConflict
}
