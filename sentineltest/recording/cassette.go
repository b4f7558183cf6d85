package recording

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"unicode/utf8"
)

// interaction is one request and its response, as a cassette holds it.
type interaction struct {
	Method            string              `json:"method"`
	URL               string              `json:"url"`
	RequestHeaders    map[string][]string `json:"requestHeaders,omitempty"`
	RequestBody       json.RawMessage     `json:"requestBody,omitempty"`
	RequestBodyBase64 string              `json:"requestBodyBase64,omitempty"`
	Status            int                 `json:"status"`
	Headers           map[string][]string `json:"headers,omitempty"`
	Body              json.RawMessage     `json:"body,omitempty"`
	BodyBase64        string              `json:"bodyBase64,omitempty"`
	BodyFile          string              `json:"bodyFile,omitempty"`
}

type cassette struct {
	Interactions []*interaction `json:"interactions"`
}

// readCassette reads a cassette and the body files it names (relative to it).
func readCassette(path string) ([]*interaction, [][2][]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("recording: %w", err)
	}
	var c cassette
	if err := json.Unmarshal(data, &c); err != nil {
		return nil, nil, fmt.Errorf("recording: %s: %w", path, err)
	}
	bodies := make([][2][]byte, len(c.Interactions))
	for i, in := range c.Interactions {
		if in == nil {
			return nil, nil, fmt.Errorf("recording: %s: interaction %d is null", path, i)
		}
		req, err := decodeBody(in.RequestBody, in.RequestBodyBase64, "")
		if err == nil {
			bodies[i][1], err = decodeBody(in.Body, in.BodyBase64, in.BodyFile, filepath.Dir(path))
		}
		if err != nil {
			return nil, nil, fmt.Errorf("recording: %s: interaction %d: %w", path, i, err)
		}
		bodies[i][0] = req
	}
	return c.Interactions, bodies, nil
}

// decodeBody returns a body from its cassette form: a JSON object or array as it is, a
// JSON string as its text, base64, or a file relative to dir.
func decodeBody(raw json.RawMessage, b64, file string, dir ...string) ([]byte, error) {
	switch {
	case file != "":
		return os.ReadFile(filepath.Join(append(dir, file)...))
	case b64 != "":
		return base64.StdEncoding.DecodeString(b64)
	case len(raw) > 0 && raw[0] == '"':
		var s string
		err := json.Unmarshal(raw, &s)
		return []byte(s), err
	case len(raw) > 0 && !bytes.Equal(raw, []byte("null")):
		return raw, nil
	}
	return nil, nil
}

// encodeBody returns the cassette form of a body: a JSON object or array without
// surrounding space is written as it is (so its bytes survive), other UTF-8 text as a JSON
// string, anything else in base64.
func encodeBody(b []byte) (raw json.RawMessage, b64 string) {
	switch {
	case len(b) == 0:
		return nil, ""
	case (b[0] == '{' || b[0] == '[') && (b[len(b)-1] == '}' || b[len(b)-1] == ']') && json.Valid(b):
		return b, ""
	case utf8.Valid(b):
		return quote(string(b)), ""
	}
	return nil, base64.StdEncoding.EncodeToString(b)
}

// quote encodes s as a JSON string without HTML escaping, so that URLs stay readable.
func quote(s string) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n"))
}

// writeCassette writes interactions to path, creating its directory, through a temporary
// file, so that a reader never sees half a cassette. Bodies are embedded as they are; each
// interaction is one indented object.
func writeCassette(path string, ins []*interaction) error {
	var buf bytes.Buffer
	buf.WriteString("{\"interactions\": [")
	for i, in := range ins {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.WriteString("\n  {")
		field := func(first bool, name string, v []byte) {
			if !first {
				buf.WriteString(",\n   ")
			}
			buf.Write(quote(name))
			buf.WriteString(": ")
			buf.Write(v)
		}
		field(true, "method", quote(in.Method))
		field(false, "url", quote(in.URL))
		if len(in.RequestHeaders) > 0 {
			field(false, "requestHeaders", headerJSON(in.RequestHeaders))
		}
		if len(in.RequestBody) > 0 {
			field(false, "requestBody", in.RequestBody)
		}
		if in.RequestBodyBase64 != "" {
			field(false, "requestBodyBase64", quote(in.RequestBodyBase64))
		}
		field(false, "status", []byte(fmt.Sprint(in.Status)))
		if len(in.Headers) > 0 {
			field(false, "headers", headerJSON(in.Headers))
		}
		if len(in.Body) > 0 {
			field(false, "body", in.Body)
		}
		if in.BodyBase64 != "" {
			field(false, "bodyBase64", quote(in.BodyBase64))
		}
		buf.WriteString("}")
	}
	buf.WriteString("\n]}\n")
	if !json.Valid(buf.Bytes()) {
		return fmt.Errorf("recording: %s: the cassette is not valid JSON", path)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*.tmp")
	if err != nil {
		return fmt.Errorf("recording: %w", err)
	}
	_, err = tmp.Write(buf.Bytes())
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("recording: %w", err)
	}
	return nil
}

// headerJSON encodes headers with their names in canonical form, sorted.
func headerJSON(h map[string][]string) []byte {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range names {
		if i > 0 {
			buf.WriteString(", ")
		}
		buf.Write(quote(http.CanonicalHeaderKey(k)))
		buf.WriteString(": [")
		for j, v := range h[k] {
			if j > 0 {
				buf.WriteString(", ")
			}
			buf.Write(quote(v))
		}
		buf.WriteByte(']')
	}
	buf.WriteByte('}')
	return buf.Bytes()
}
