package sentinel

import "github.com/go-json-experiment/json/jsontext"

// resourceWire is the wire form of an ARM resource with an etag whose domain fields sit
// under "properties" (comments, relations, tasks). Members this SDK does not model are kept
// in Unknown, at both levels, so that an update sends them back.
type resourceWire[P any] struct {
	ID         string         `json:"id,omitzero"`
	Name       string         `json:"name,omitzero"`
	Type       string         `json:"type,omitzero"`
	Etag       string         `json:"etag,omitzero"`
	Properties P              `json:"properties"`
	Unknown    jsontext.Value `json:",embed"`
}
