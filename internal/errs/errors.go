// Package errs is the one error vocabulary of the SDK's facades (the Sentinel client and the
// Microsoft Graph security client): the sentinel errors for errors.Is, ResponseError and its
// mapping of the services' error bodies (ARM, Log Analytics and Graph OData), ArgumentError,
// DecodeError and ForeignOriginError. The root package re-exports each under its own name
// (type aliases and the same error values), so errors.Is and errors.As work across packages.
package errs

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

// bodyOptions decode error objects as the services send them: invalid UTF-8 is replaced and
// the last of duplicate names wins.
var bodyOptions = json.JoinOptions(jsontext.AllowInvalidUTF8(true), jsontext.AllowDuplicateNames(true))

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
	// Details are the nested errors of an ARM, Log Analytics or Graph error (details and
	// innererror), innermost last.
	Details []ErrorDetail
	// RequestID is the x-ms-request-id header (Microsoft Graph: request-id, or the
	// error's innerError when the header is missing), which Microsoft support asks for.
	RequestID string
	// CorrelationID is the x-ms-correlation-request-id header (Microsoft Graph: the
	// client-request-id the client sent, as the response or its innerError repeats it).
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
	WriteDetails(&b, e.Message, e.Details)
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

// WriteDetails appends the nested errors that add to message: "; Code: message" each.
func WriteDetails(b *strings.Builder, message string, details []ErrorDetail) {
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

// codeStatuses maps the ARM, Log Analytics and Microsoft Graph error codes (lower-cased) to
// the HTTP status each stands for. Error objects inside success responses are classified
// through it.
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
	// Microsoft Graph (its codes are camelCase, sometimes PascalCase).
	"invalidrequest": 400, "unauthenticated": 401, "accessdenied": 403, "itemnotfound": 404,
	"namealreadyexists": 409, "resourcemodified": 412, "activitylimitreached": 429,
	"generalexception": 500, "servicenotavailable": 503,
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

// ArgError returns an *ArgumentError for the argument name; string arguments longer than
// 128 bytes are cut in the reason.
func ArgError(name, format string, args ...any) error {
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

// MaxErrorBody bounds how much of an error response is read.
const MaxErrorBody = 1 << 20

// NewDecodeError returns the *DecodeError of a success response whose body failed with err.
func NewDecodeError(resp *http.Response, err error) *DecodeError {
	e := &DecodeError{StatusCode: resp.StatusCode, RequestID: requestIDOf(resp.Header),
		ContentType: Clip(resp.Header.Get("Content-Type"), maxCodeText), Err: err}
	if resp.Request != nil {
		e.Method, e.URL = resp.Request.Method, CleanURL(resp.Request.URL.String())
	}
	return e
}

// requestIDOf returns the service's request ID: ARM's and Log Analytics' x-ms-request-id,
// or Microsoft Graph's request-id.
func requestIDOf(h http.Header) string {
	id := h.Get("x-ms-request-id")
	if id == "" {
		id = h.Get("request-id")
	}
	return Clip(id, maxCodeText)
}

// correlationIDOf returns ARM's x-ms-correlation-request-id, or the client-request-id that
// Microsoft Graph repeats.
func correlationIDOf(h http.Header) string {
	id := h.Get("x-ms-correlation-request-id")
	if id == "" {
		id = h.Get("client-request-id")
	}
	return Clip(id, maxCodeText)
}

// responseErrorOf returns a *ResponseError with resp's status, IDs and request.
func responseErrorOf(resp *http.Response) *ResponseError {
	e := &ResponseError{StatusCode: resp.StatusCode, RequestID: requestIDOf(resp.Header), CorrelationID: correlationIDOf(resp.Header)}
	if resp.Request != nil {
		e.Method, e.URL = resp.Request.Method, CleanURL(resp.Request.URL.String())
	}
	return e
}

// NewResponseError builds the error for resp, reading and closing its body; now is the
// client's clock, against which a Retry-After date is read.
func NewResponseError(resp *http.Response, now time.Time) *ResponseError {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, MaxErrorBody))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(body))
	e := responseErrorOf(resp)
	if d, ok := pipeline.RetryAfter(resp.Header, now); ok {
		e.RetryAfter = d
	}
	e.parseBody(RedactBody(resp, body), resp.Header.Get("Content-Type"))
	if resp.StatusCode >= 300 && resp.StatusCode < 400 {
		e.Message = redirectMessage(resp)
	}
	e.redact(resp)
	var az *azcore.ResponseError
	if errors.As(runtime.NewResponseError(resp), &az) {
		e.az = az
		if e.ErrorCode == "" {
			e.ErrorCode = Clip(az.ErrorCode, maxCodeText)
		}
	}
	return e
}

// errorBody is the error envelope of ARM, Log Analytics and Microsoft Graph:
// {"error": {...}}.
type errorBody struct {
	Error *ErrorInfo `json:"error"`
	// Some resource providers put code and message at the top level.
	Code    string `json:"code"`
	Message string `json:"message"`
}

// ErrorInfo is one error object: ARM's {code, message, target, details}, Log Analytics'
// with nested innererror, Microsoft Graph's (OData) {code, message, innerError: {request-id,
// date, client-request-id}}, whose innerError may nest further and is spelled innererror
// too.
type ErrorInfo struct {
	Code            string      `json:"code"`
	Message         string      `json:"message"`
	Target          string      `json:"target"`
	Details         []ErrorInfo `json:"details"`
	InnerError      *ErrorInfo  `json:"innererror,case:ignore"`
	RequestID       string      `json:"request-id"`
	ClientRequestID string      `json:"client-request-id"`
}

// FromInfo returns the *ResponseError of the error object info found in the body of resp:
// a Log Analytics error beside query results, or an error in a success response.
func FromInfo(resp *http.Response, info *ErrorInfo) *ResponseError {
	e := responseErrorOf(resp)
	e.fromInfo(info)
	e.redact(resp)
	return e
}

func (e *ResponseError) parseBody(body []byte, contentType string) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 {
		return
	}
	var eb errorBody
	if body[0] == '{' && json.Unmarshal(body, &eb, bodyOptions) == nil {
		if eb.Error != nil {
			e.fromInfo(eb.Error)
			return
		}
		if eb.Code != "" || eb.Message != "" {
			e.ErrorCode, e.Message = Clip(eb.Code, maxCodeText), Clip(eb.Message, maxErrorText)
			return
		}
	}
	e.Message = DescribeBody(body, contentType, "error body")
}

// fromInfo fills e from an error object. A nested error with neither code, message nor
// target (Graph's innerError, which carries request IDs) is not a detail; the request IDs it
// carries fill RequestID and CorrelationID when the headers did not.
func (e *ResponseError) fromInfo(info *ErrorInfo) {
	e.ErrorCode, e.Message, e.Target = Clip(info.Code, maxCodeText), Clip(info.Message, maxErrorText), Clip(info.Target, maxDetailText)
	var walk func(list []ErrorInfo, inner *ErrorInfo)
	ids := func(d *ErrorInfo) {
		if e.RequestID == "" && d.RequestID != "" {
			e.RequestID = Clip(d.RequestID, maxCodeText)
		}
		if e.CorrelationID == "" && d.ClientRequestID != "" {
			e.CorrelationID = Clip(d.ClientRequestID, maxCodeText)
		}
	}
	ids(info)
	add := func(d *ErrorInfo) bool {
		ids(d)
		if d.Code == "" && d.Message == "" && d.Target == "" {
			return true
		}
		if len(e.Details) >= maxErrorDetails {
			return false
		}
		e.Details = append(e.Details, ErrorDetail{Code: Clip(d.Code, maxCodeText), Message: Clip(d.Message, maxDetailText), Target: Clip(d.Target, maxDetailText)})
		return true
	}
	walk = func(list []ErrorInfo, inner *ErrorInfo) {
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

// Clip returns s as valid UTF-8, cut to at most n bytes on a character boundary, with "..."
// when it was cut.
func Clip(s string, n int) string {
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

// DescribeBody summarises a body that is not JSON, such as a proxy's HTML page: what is
// "error body" or "body".
func DescribeBody(body []byte, contentType, what string) string {
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
	s = Clip(strings.Join(strings.Fields(strings.ToValidUTF8(s, "?")), " "), 200)
	if contentType == "" {
		contentType = "no content type"
	}
	return "non-JSON " + what + " (" + Clip(contentType, maxCodeText) + "): " + s
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

// CleanURL drops the query string, the fragment and any user information from a URL for
// error messages.
func CleanURL(u string) string {
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

// RedactBody replaces the request's bearer token in a response body that an error message
// may quote, before anything truncates it. A service or proxy that echoes the request's
// headers would otherwise put the token into error strings and logs.
func RedactBody(resp *http.Response, body []byte) []byte {
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

// ErrorFromObject reads an error object found in a success response body; the decoder must
// stand at the value of the "error" member.
func ErrorFromObject(dec *jsontext.Decoder, resp *http.Response) error {
	var info ErrorInfo
	if err := json.UnmarshalDecode(dec, &info, bodyOptions); err != nil {
		return NewDecodeError(resp, fmt.Errorf("decoding the error object: %w", err))
	}
	e := FromInfo(resp, &info)
	if e.ErrorCode == "" && e.Message == "" {
		e.Message = "the response carries an empty error object"
	}
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
		loc = CleanURL(loc)
	}
	return "the service redirected the request to " + strings.ToValidUTF8(loc, "?") + "; redirects are not followed, so that the bearer token is only sent to the client's endpoints"
}

// IsConflict reports whether err is a 409 Conflict (or 412) from the service.
func IsConflict(err error) bool {
	var re *ResponseError
	return errors.As(err, &re) && re.class() == ErrConflict
}

// ForeignOriginError reports a URL (typically a nextLink) on another scheme, host or port
// than the endpoint of the token audience it was meant for. Each audience (Azure Resource
// Manager, Log Analytics, Microsoft Graph) has its own pipeline that sends its token to its
// own origin only, so an ARM link to the Log Analytics host, or a Graph link to the ARM host,
// is refused too. No request was sent and the bearer token did not leave the process.
type ForeignOriginError struct {
	// URL is the refused URL without its query.
	URL string
	// Audience names the token that was to be sent: "Azure Resource Manager",
	// "Log Analytics" or "Microsoft Graph".
	Audience string
	// Allowed is the origin that token goes to.
	Allowed []string
}

func (e *ForeignOriginError) Error() string {
	return "sentinel: refusing to send credentials to " + e.URL + ": the " + e.Audience + " token only goes to " + strings.Join(e.Allowed, " and ")
}

// NonRetriable tells azcore's retry policy not to retry.
func (e *ForeignOriginError) NonRetriable() {}

// RefuseForeign is the pipelines' error for a URL outside their audience's origin
// (pipeline.Options.Refuse).
func RefuseForeign(clean string, a *pipeline.Audience, allowed string) error {
	return &ForeignOriginError{URL: clean, Audience: a.Name, Allowed: []string{allowed}}
}
