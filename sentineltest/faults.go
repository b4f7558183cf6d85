package sentineltest

import (
	"bufio"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"
)

// FaultAction is what a fault does to a request.
type FaultAction int

// Fault actions.
const (
	// Respond answers with Fault.Status, Header and Body instead of handling the request.
	Respond FaultAction = iota
	// Reset closes the connection without answering.
	Reset
	// Truncate handles the request but sends only the first half of the body, then closes
	// the connection.
	Truncate
	// Stall sends the status line and headers, then waits until the client gives up.
	Stall
	// Drop handles the request, then closes the connection without answering, as when a
	// response is lost on its way back: the change is made but the client does not know.
	Drop
)

// Fault is an injected failure. Faults are queued with Fail and consumed in order by the
// requests they match.
type Fault struct {
	Action FaultAction
	// Status, Header and Body make the response for Respond. Status 0 means 500. An empty Body
	// means the service's error JSON for the status; "-" means no body.
	Status int
	Header http.Header
	Body   string
	// RetryAfter, when not empty, is sent as the Retry-After header.
	RetryAfter string
	// Times is how many matching requests the fault applies to; 0 means 1.
	Times int
	// Match selects requests; nil matches all. It runs with the server locked and must not
	// call the server's methods.
	Match func(*http.Request) bool
}

// Fail queues faults.
func (s *Server) Fail(faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range faults {
		f := f
		if f.Times <= 0 {
			f.Times = 1
		}
		s.faults = append(s.faults, &f)
	}
}

// Throttle queues n 429 Too Many Requests answers with the given Retry-After.
func (s *Server) Throttle(n int, retryAfter string) {
	s.Fail(Fault{Status: http.StatusTooManyRequests, RetryAfter: retryAfter, Times: n})
}

// PendingFaults returns how many fault applications are still queued.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, f := range s.faults {
		n += f.Times
	}
	return n
}

// ClearFaults drops every queued fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// takeFault returns the first queued fault matching r, consuming one application of it.
// The caller holds s.mu.
func (s *Server) takeFault(r *http.Request) *Fault {
	for i, f := range s.faults {
		if f.Match != nil && !f.Match(r) {
			continue
		}
		f.Times--
		if f.Times == 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return f
	}
	return nil
}

// apply performs the fault; it reports false when the request should be handled normally
// (never, today).
func (f *Fault) apply(w http.ResponseWriter, r *http.Request, s *Server) bool {
	switch f.Action {
	case Reset:
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	case Drop:
		s.router.serveHTTP(httptest.NewRecorder(), r)
		if hj, ok := w.(http.Hijacker); ok {
			if conn, _, err := hj.Hijack(); err == nil {
				conn.Close()
				return true
			}
		}
		panic(http.ErrAbortHandler)
	case Truncate:
		rec := httptest.NewRecorder()
		s.router.serveHTTP(rec, r)
		body := rec.Body.Bytes()
		hj, ok := w.(http.Hijacker)
		if !ok {
			panic(http.ErrAbortHandler)
		}
		conn, buf, err := hj.Hijack()
		if err != nil {
			return true
		}
		defer conn.Close()
		writeHead(buf, rec.Code, rec.Header(), len(body))
		_, _ = buf.Write(body[:len(body)/2])
		_ = buf.Flush()
		return true
	case Stall:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"value":[`))
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		t := time.NewTicker(50 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-r.Context().Done():
				return true
			case <-t.C:
				if _, err := w.Write([]byte(" ")); err != nil {
					return true
				}
				if fl, ok := w.(http.Flusher); ok {
					fl.Flush()
				}
			}
		}
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	for k, v := range f.Header {
		w.Header()[k] = v
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	switch f.Body {
	case "":
		if isGraphPath(r.URL.Path) {
			writeGraphError(w, r, status, graphFaultCode(status), http.StatusText(status))
			return true
		}
		if isQueryPath(r.URL.Path) {
			writeQueryError(w, status, &QueryError{Code: queryFaultCode(status), Message: http.StatusText(status)})
			return true
		}
		writeError(w, status, faultCode(status), faultMessage(status, f.RetryAfter))
	case "-":
		w.WriteHeader(status)
	default:
		if w.Header().Get("Content-Type") == "" {
			w.Header().Set("Content-Type", "application/json; charset=utf-8")
		}
		w.WriteHeader(status)
		_, _ = w.Write([]byte(f.Body))
	}
	return true
}

// faultCode is the ARM error code of a fault's status, as the service writes it.
func faultCode(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "ResourceRequestsThrottled"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailable"
	case http.StatusConflict:
		return "Conflict"
	case http.StatusNotFound:
		return "NotFound"
	}
	return "InternalServerError"
}

// faultMessage is the ARM error message of a fault's status.
func faultMessage(status int, retryAfter string) string {
	if status == http.StatusTooManyRequests {
		if retryAfter == "" {
			return "Number of requests exceeded the limit. Please try again later."
		}
		return "Number of requests exceeded the limit. Please try again after '" + retryAfter + "' seconds."
	}
	return http.StatusText(status)
}

// queryFaultCode is the Log Analytics error code of a fault's status.
func queryFaultCode(status int) string {
	switch status {
	case http.StatusTooManyRequests:
		return "ThrottledError"
	case http.StatusServiceUnavailable:
		return "ServiceUnavailableError"
	case http.StatusNotFound:
		return "PathNotFoundError"
	}
	return faultCode(status)
}

func writeHead(buf *bufio.ReadWriter, status int, h http.Header, length int) {
	_, _ = buf.WriteString("HTTP/1.1 " + strconv.Itoa(status) + " " + http.StatusText(status) + "\r\n")
	h.Set("Content-Length", strconv.Itoa(length))
	_ = h.Write(buf)
	_, _ = buf.WriteString("\r\n")
}
