package sentinel

import (
	"net/http"

	"github.com/sentinel-go/sentinel/internal/errs"
)

// Errors for errors.Is. A *ResponseError matches the one that fits its HTTP status; an error
// object inside a success response (200 with {"error": ...}) matches the one of the status its
// code stands for ("NotFound" as 404, "InternalServerError" as 500), so both forms of an error
// classify alike. An *ArgumentError matches ErrInvalidArgument.
//
// They are the same values for every client of this module: an error of the Microsoft Graph
// client (package defender) matches them too.
var (
	// ErrInvalidArgument: a caller-supplied value was rejected before any request was sent.
	ErrInvalidArgument = errs.ErrInvalidArgument
	// ErrBadRequest: 400 Bad Request, the service rejected the request's content.
	ErrBadRequest = errs.ErrBadRequest
	// ErrUnauthorized: 401 Unauthorized, the token is missing, expired or for another audience.
	ErrUnauthorized = errs.ErrUnauthorized
	// ErrForbidden: 403 Forbidden, the principal lacks a Microsoft Sentinel role on the
	// workspace (or, on Microsoft Graph, the permission for the call).
	ErrForbidden = errs.ErrForbidden
	// ErrNotFound: 404 Not Found, the workspace or resource does not exist.
	ErrNotFound = errs.ErrNotFound
	// ErrConflict: 409 Conflict (or 412), typically a stale etag on an update.
	ErrConflict = errs.ErrConflict
	// ErrThrottled: 429 Too Many Requests that outlasted the client's throttling budget.
	ErrThrottled = errs.ErrThrottled
	// ErrServer: a 5xx status that persisted through the retries.
	ErrServer = errs.ErrServer
)

// ResponseError is the error for every response the service answered with an unexpected
// status, or with an error object in place of the expected body. Use errors.As to read it and
// errors.Is with ErrNotFound and the others to classify it. It unwraps to the
// *azcore.ResponseError that azcore built for the same response. The error bodies of ARM, Log
// Analytics and Microsoft Graph all map to it.
//
// Its fields: StatusCode; ErrorCode and Message, the service's ("ResourceNotFound",
// "BadArgumentError", Graph's "NotFound"); Target; Details, the nested errors (ErrorDetail:
// Code, Message, Target), innermost last; RequestID (x-ms-request-id, Graph's request-id),
// which Microsoft support asks for; CorrelationID (x-ms-correlation-request-id, Graph's
// client-request-id); RetryAfter, the delay the service asked for; Method and URL (without
// the query) of the request. Its Error method never quotes a token.
type ResponseError = errs.ResponseError

// ErrorDetail is one nested error of a ResponseError.
type ErrorDetail = errs.ErrorDetail

// ArgumentError reports a caller-supplied value that was rejected before any request was
// sent. It matches ErrInvalidArgument. Name is the argument or field ("incidentID",
// "Workspace.SubscriptionID"); Reason says what is wrong with it.
type ArgumentError = errs.ArgumentError

// DecodeError reports a success response whose body could not be decoded: truncated, not
// JSON, or not the expected shape. No partial result is returned with it. Its fields:
// Method, URL, StatusCode, RequestID, ContentType, and Err, the decoding or I/O error it
// unwraps to.
type DecodeError = errs.DecodeError

// ForeignOriginError reports a URL (typically a nextLink) on another scheme, host or port
// than the endpoint of the token audience it was meant for. Each audience (Azure Resource
// Manager, Log Analytics, Microsoft Graph) has its own pipeline that sends its token to its
// own origin only, so an ARM link to the Log Analytics host is refused too. No request was
// sent and the bearer token did not leave the process. URL is the refused URL without its
// query, Audience names the token ("Azure Resource Manager", "Log Analytics", "Microsoft
// Graph"), Allowed the origin that token goes to.
type ForeignOriginError = errs.ForeignOriginError

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = errs.MaxErrorBody

func argError(name, format string, args ...any) error { return errs.ArgError(name, format, args...) }

// isConflict reports whether err is a 409 Conflict (or 412) from the service.
func isConflict(err error) bool { return errs.IsConflict(err) }

// cleanURL drops the query string, the fragment and any user information from a URL for
// error messages.
func cleanURL(u string) string { return errs.CleanURL(u) }

func decodeError(resp *http.Response, err error) *DecodeError { return errs.NewDecodeError(resp, err) }
