package model

import (
	"testing"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var discriminatorSeeds = []string{
	`{"kind":"Account","properties":{"x":[1,{"kind":"no"}]}}`,
	`{"properties":{"kind":"nested"},"kind":"Host"}`,
	`{"kind":"A","kind":"B"}`,
	`{"kind":null}`,
	`{}`,
	` { "a" : 1 , "b":[true,false,null,-1.5e3], "kind" : "IP" } `,
	`{"a":1}`,
	`{"a":"}\"{","kind":"x"}`,
	`{"kind":1}`,
	`{"ki\u006ed":"Escaped"}`,
	`{"kind":"Caf\u00e9"}`,
	"{\"kind\":\"bad \xff utf8\"}",
	`{"@odata.type":"#microsoft.graph.security.userEvidence","userAccount":{"@odata.type":"x"}}`,
	`[]`,
	`"kind"`,
}

// TestDiscriminatorOf checks the fast path against the decoder on the seeds, and that it takes
// the common shapes itself.
func TestDiscriminatorOf(t *testing.T) {
	for _, s := range discriminatorSeeds {
		for _, member := range []string{"kind", "@odata.type"} {
			fast, ok := discriminatorFast([]byte(s), member)
			slow, err := discriminatorSlow([]byte(s), member)
			if ok {
				require.NoError(t, err, s)
				assert.Equal(t, slow, fast, s)
			}
		}
	}
	for _, s := range discriminatorSeeds[:8] {
		_, ok := discriminatorFast([]byte(s), "kind")
		assert.True(t, ok, "the fast path takes %s", s)
	}
	kind, err := DiscriminatorOf([]byte(`{"properties":{"kind":"nested"},"kind":"Host","kind":"Last"}`), "kind")
	require.NoError(t, err)
	assert.Equal(t, "Last", kind)
}

// FuzzDiscriminatorOf is the differential check of discriminatorFast against the decoder:
// on every valid JSON value where the fast path answers, it answers what the decoder says.
func FuzzDiscriminatorOf(f *testing.F) {
	for _, s := range discriminatorSeeds {
		f.Add([]byte(s), "kind")
	}
	f.Add([]byte(`{"@odata.type":"#a","b":{}}`), "@odata.type")
	f.Fuzz(func(t *testing.T, raw []byte, member string) {
		if !jsontext.Value(raw).IsValid(jsontext.AllowDuplicateNames(true), jsontext.AllowInvalidUTF8(true)) {
			return // callers hand it validated values only
		}
		fast, ok := discriminatorFast(raw, member)
		if !ok {
			return
		}
		slow, err := discriminatorSlow(raw, member)
		if err != nil {
			t.Fatalf("fast path answered %q where the decoder fails: %v", fast, err)
		}
		if fast != slow {
			t.Fatalf("fast path %q, decoder %q", fast, slow)
		}
	})
}
