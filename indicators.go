package sentinel

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/go-json-experiment/json"
	"github.com/go-json-experiment/json/jsontext"
	"github.com/sentinel-go/sentinel/internal/rest"
)

// TextTime is a time the service sends as free text. The threat-intelligence API declares
// its times as plain strings and sends "" or other layouts at times: Text keeps what was
// sent, and Time is its parsed value, or zero when Text is empty or not a time this SDK
// recognises. Decoding never fails on the text.
//
// When encoded, Text is sent unchanged unless Time was set to another instant, in which
// case Time is sent in RFC 3339. Text that was received is sent back byte for byte, escapes
// included. Build one from a time.Time with TextTimeOf.
type TextTime struct {
	Time time.Time
	Text string

	// raw is the JSON string as received when re-quoting Text could differ from it (escapes,
	// bytes that are not ASCII), and rawText its text; raw is sent while the text to send is
	// still rawText.
	raw, rawText string
}

// TextTimeOf returns t as a TextTime.
func TextTimeOf(t time.Time) TextTime {
	if t.IsZero() {
		return TextTime{}
	}
	return TextTime{Time: t, Text: t.UTC().Format(time.RFC3339Nano)}
}

// IsZero reports whether both Time and Text are empty.
func (t TextTime) IsZero() bool { return t.Time.IsZero() && t.Text == "" }

// String returns Text, or Time in RFC 3339 when Text is empty.
func (t TextTime) String() string {
	if t.Text != "" || t.Time.IsZero() {
		return t.Text
	}
	return t.Time.UTC().Format(time.RFC3339Nano)
}

// wire returns the text to send.
func (t TextTime) wire() string {
	if t.Text != "" {
		if t.Time.IsZero() {
			return t.Text
		}
		if pt, err := parseTime([]byte(t.Text)); err == nil && pt.Equal(t.Time) {
			return t.Text
		}
	}
	if t.Time.IsZero() {
		return ""
	}
	return t.Time.UTC().Format(time.RFC3339Nano)
}

// UnmarshalJSONFrom reads a string (or null) leniently.
func (t *TextTime) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	v, err := dec.ReadValue()
	if err != nil {
		return err
	}
	switch v.Kind() {
	case 'n':
		*t = TextTime{}
		return nil
	case '"':
	default:
		return fmt.Errorf("a time must be a string, got %s", v.Kind())
	}
	// The decoder has checked the string; the only error left is invalid UTF-8, which the
	// decoder's options allow and which is replaced in Text (raw keeps the bytes).
	text, _ := jsontext.AppendUnquote(nil, v)
	pt, err := parseTime(text)
	if err != nil {
		pt = time.Time{}
	}
	*t = TextTime{Time: pt, Text: string(text)}
	if needsRaw(v) {
		t.raw, t.rawText = string(v), t.Text
	}
	return nil
}

// needsRaw reports whether the JSON string v may differ from the quoting of its text.
func needsRaw(v []byte) bool {
	for _, c := range v {
		if c == '\\' || c >= 0x80 {
			return true
		}
	}
	return false
}

// MarshalJSONTo writes the time as a string.
func (t TextTime) MarshalJSONTo(enc *jsontext.Encoder) error {
	s := t.wire()
	if t.raw != "" && s == t.rawText {
		return enc.WriteValue(jsontext.Value(t.raw))
	}
	return enc.WriteToken(jsontext.String(s))
}

// UnmarshalJSON is UnmarshalJSONFrom for encoding/json.
func (t *TextTime) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, t, decodeOptions) }

// MarshalJSON is MarshalJSONTo for encoding/json.
func (t TextTime) MarshalJSON() ([]byte, error) { return json.Marshal(t, encodeOptions) }

// KillChainPhase is a phase of a kill chain, such as lockheed-martin-cyber-kill-chain's
// "reconnaissance".
type KillChainPhase struct {
	KillChainName string         `json:"killChainName,omitzero"`
	PhaseName     string         `json:"phaseName,omitzero"`
	Unknown       jsontext.Value `json:",embed"`
}

// ExternalReference points to information outside Sentinel about an indicator.
type ExternalReference struct {
	Description string `json:"description,omitzero"`
	ExternalID  string `json:"externalId,omitzero"`
	SourceName  string `json:"sourceName,omitzero"`
	URL         string `json:"url,omitzero"`
	// Hashes are the referenced content's hashes by algorithm ("SHA-256": "6db5..."). The
	// values are strings; a value of another type the service may send is kept as decoded.
	Hashes  map[string]any `json:"hashes,omitzero"`
	Unknown jsontext.Value `json:",embed"`
}

// GranularMarking marks parts of an indicator (STIX granular markings).
type GranularMarking struct {
	Language   string         `json:"language,omitzero"`
	MarkingRef int            `json:"markingRef,omitzero"`
	Selectors  []string       `json:"selectors,omitzero"`
	Unknown    jsontext.Value `json:",embed"`
}

// ParsedPattern is the service's reading of an indicator's STIX pattern.
type ParsedPattern struct {
	PatternTypeKey    string                   `json:"patternTypeKey,omitzero"`
	PatternTypeValues []ParsedPatternTypeValue `json:"patternTypeValues,omitzero"`
	Unknown           jsontext.Value           `json:",embed"`
}

// ParsedPatternTypeValue is one value of a parsed pattern.
type ParsedPatternTypeValue struct {
	ValueType string         `json:"valueType,omitzero"`
	Value     string         `json:"value,omitzero"`
	Unknown   jsontext.Value `json:",embed"`
}

// Pattern types of indicators, as the Sentinel portal creates them. The set is open: any
// pattern type is sent as it is.
const (
	PatternTypeURL        = "url"
	PatternTypeIPv4       = "ipv4-addr"
	PatternTypeIPv6       = "ipv6-addr"
	PatternTypeDomainName = "domain-name"
	PatternTypeFile       = "file"
)

// indicatorKind is the kind of a threat-intelligence indicator, the only kind of
// threat-intelligence resource.
const indicatorKind = "indicator"

// Indicator is a threat-intelligence indicator (a STIX indicator). Its fields read flat
// (ind.Pattern, ind.Etag); on the wire the envelope (Resource, with kind "indicator") is at
// the top and IndicatorProperties under "properties". Members this SDK does not model are
// kept at every level and sent back by UpdateIndicator. Its Name is a GUID the service
// assigns.
type Indicator struct {
	Resource
	IndicatorProperties `json:"properties"`
	// Unknown holds the top-level members this SDK does not model.
	Unknown jsontext.Value `json:",embed"`
}

// IndicatorProperties are an indicator's "properties". Its times are TextTime because the
// service sends them as free text. Fields marked read-only are set by the service.
type IndicatorProperties struct {
	DisplayName string `json:"displayName,omitzero"`
	Description string `json:"description,omitzero"`
	// Pattern is the STIX pattern, such as "[url:value = 'http://malicious.example']", and
	// PatternType its type ("url", "ipv4-addr", "domain-name", "file", ...).
	Pattern        string `json:"pattern,omitzero"`
	PatternType    string `json:"patternType,omitzero"`
	PatternVersion string `json:"patternVersion,omitzero"`
	// Source is where the indicator comes from, e.g. "Microsoft Sentinel" for manual ones.
	Source string `json:"source,omitzero"`
	// Confidence is 0 to 100.
	Confidence         int                 `json:"confidence,omitzero"`
	ThreatTypes        []string            `json:"threatTypes,omitzero"`
	IndicatorTypes     []string            `json:"indicatorTypes,omitzero"`
	Labels             []string            `json:"labels,omitzero"`
	Tags               []string            `json:"threatIntelligenceTags,omitzero"`
	KillChainPhases    []KillChainPhase    `json:"killChainPhases,omitzero"`
	ExternalReferences []ExternalReference `json:"externalReferences,omitzero"`
	GranularMarkings   []GranularMarking   `json:"granularMarkings,omitzero"`
	ObjectMarkingRefs  []string            `json:"objectMarkingRefs,omitzero"`
	ExternalID         string              `json:"externalId,omitzero"`
	CreatedByRef       string              `json:"createdByRef,omitzero"`
	Language           string              `json:"language,omitzero"`
	Defanged           bool                `json:"defanged,omitzero"`
	Revoked            bool                `json:"revoked,omitzero"`
	ValidFrom          TextTime            `json:"validFrom,omitzero"`
	ValidUntil         TextTime            `json:"validUntil,omitzero"`
	Created            TextTime            `json:"created,omitzero"`
	Modified           TextTime            `json:"modified,omitzero"`
	Extensions         map[string]any      `json:"extensions,omitzero"`

	ParsedPattern       []ParsedPattern `json:"parsedPattern,omitzero"`              // read-only
	LastUpdated         TextTime        `json:"lastUpdatedTimeUtc,omitzero"`         // read-only
	ExternalLastUpdated TextTime        `json:"externalLastUpdatedTimeUtc,omitzero"` // read-only
	FriendlyName        string          `json:"friendlyName,omitzero"`               // read-only
	AdditionalData      map[string]any  `json:"additionalData,omitzero"`             // read-only

	// Unknown holds the properties this SDK does not model.
	Unknown jsontext.Value `json:",embed"`
}

// validate rejects what the service rejects: an indicator without a pattern or a pattern
// type (STIX requires both), or a confidence outside 0 to 100.
func (p *IndicatorProperties) validate() error {
	switch {
	case strings.TrimSpace(p.Pattern) == "":
		return argError("Indicator.Pattern", "is required")
	case strings.TrimSpace(p.PatternType) == "":
		return argError("Indicator.PatternType", "is required")
	case p.Confidence < 0 || p.Confidence > 100:
		return argError("Indicator.Confidence", "must be between 0 and 100, got %d", p.Confidence)
	}
	return nil
}

// tiPath returns the path of a threat-intelligence operation below threatIntelligence/main.
func (c *Client) tiPath(segments ...string) string {
	return c.path(append([]string{"threatIntelligence", "main"}, segments...)...)
}

// ListIndicatorsOptions are the options of ListIndicators. The zero value lists every
// indicator in the service's order and page size.
type ListIndicatorsOptions struct {
	// Filter is an OData $filter such as "properties/source eq 'Microsoft Sentinel'".
	Filter string
	// OrderBy is an OData $orderby such as "properties/lastUpdatedTimeUtc desc".
	OrderBy string
	// Top is the page size; 0 means the service's default.
	Top int
	// SkipToken starts the listing at a $skipToken from an earlier listing.
	SkipToken string
}

// ListIndicators returns a pager over the workspace's threat-intelligence indicators
// (GET .../threatIntelligence/main/indicators with $filter, $orderby, $top and $skipToken).
// QueryIndicators filters by more criteria.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/threatIntelligence/main/indicators
func (c *Client) ListIndicators(opts *ListIndicatorsOptions) *Pager[Indicator] {
	o := optionsOf(opts)
	if o.Top < 0 {
		return errPager[Indicator](argError("ListIndicatorsOptions.Top", "must not be negative, got %d", o.Top))
	}
	r := &request{op: "Client.ListIndicators", method: http.MethodGet, path: c.tiPath("indicators"), query: odata(o.Filter, o.OrderBy, o.Top, o.SkipToken)}
	return newPager[Indicator](c, r)
}

// GetIndicatorOptions are the options of GetIndicator; none yet.
type GetIndicatorOptions struct{}

// GetIndicator returns one indicator (GET .../threatIntelligence/main/indicators/{name}).
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/threatIntelligence/main/indicators/{name}
func (c *Client) GetIndicator(ctx context.Context, name string, _ *GetIndicatorOptions) (Indicator, error) {
	if err := c.resourceName("name", &name, "threatIntelligence", "main", "indicators"); err != nil {
		return Indicator{}, err
	}
	var out Indicator
	err := c.call(ctx, &request{op: "Client.GetIndicator", method: http.MethodGet, path: c.tiPath("indicators", name)}, &out)
	return out, err
}

// CreateIndicatorOptions are the options of CreateIndicator; none yet.
type CreateIndicatorOptions struct{}

// CreateIndicator creates an indicator with the given properties
// (POST .../threatIntelligence/main/createIndicator, kind "indicator"); the service chooses
// its name, returned in the result. Pattern and PatternType are required; read-only fields
// are ignored by the service.
//
// The request is not idempotent, so it is not retried after a 5xx status or a transport
// error, either of which may come after the indicator was created; 429 responses, which
// mean nothing was done, are still waited out. On such an error, look the indicator up
// (QueryIndicators with its pattern) before creating it again.
//
//meta:operation POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/threatIntelligence/main/createIndicator
func (c *Client) CreateIndicator(ctx context.Context, props IndicatorProperties, _ *CreateIndicatorOptions) (Indicator, error) {
	if err := props.validate(); err != nil {
		return Indicator{}, err
	}
	ind := Indicator{Resource: Resource{Kind: indicatorKind}, IndicatorProperties: props}
	ctx = policy.WithRetryOptions(ctx, policy.RetryOptions{MaxRetries: -1})
	var out Indicator
	err := c.call(ctx, &request{op: "Client.CreateIndicator", method: http.MethodPost, path: c.tiPath("createIndicator"), body: &ind, ok: okPut}, &out)
	return out, err
}

// UpdateIndicatorOptions are the options of UpdateIndicator; none yet.
type UpdateIndicatorOptions struct{}

// UpdateIndicator writes the whole indicator name
// (PUT .../threatIntelligence/main/indicators/{name}), creating it if it does not exist; an
// empty Kind is sent as "indicator". Send the indicator as read, with its Etag (members this
// SDK does not model go back unchanged): a stale etag is a *ResponseError matching
// ErrConflict.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/threatIntelligence/main/indicators/{name}
func (c *Client) UpdateIndicator(ctx context.Context, name string, ind Indicator, _ *UpdateIndicatorOptions) (Indicator, error) {
	if err := c.resourceName("name", &name, "threatIntelligence", "main", "indicators"); err != nil {
		return Indicator{}, err
	}
	if err := ind.validate(); err != nil {
		return Indicator{}, err
	}
	if ind.Kind == "" {
		ind.Kind = indicatorKind
	}
	clearReadOnly(&ind.Resource)
	var out Indicator
	err := c.call(ctx, &request{op: "Client.UpdateIndicator", method: http.MethodPut, path: c.tiPath("indicators", name), body: &ind, ok: okPut}, &out)
	return out, err
}

// DeleteIndicatorOptions are the options of DeleteIndicator; none yet.
type DeleteIndicatorOptions struct{}

// DeleteIndicator deletes an indicator (DELETE .../threatIntelligence/main/indicators/{name}).
//
//meta:operation DELETE /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/threatIntelligence/main/indicators/{name}
func (c *Client) DeleteIndicator(ctx context.Context, name string, _ *DeleteIndicatorOptions) error {
	if err := c.resourceName("name", &name, "threatIntelligence", "main", "indicators"); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteIndicator", method: http.MethodDelete, path: c.tiPath("indicators", name), ok: okDelete}, nil)
}

// IndicatorSortOrder is the order of a QueryIndicators sort key. The set is open: any value
// is sent as it is.
type IndicatorSortOrder string

// Sort orders.
const (
	SortUnsorted   IndicatorSortOrder = "unsorted"
	SortAscending  IndicatorSortOrder = "ascending"
	SortDescending IndicatorSortOrder = "descending"
)

// IndicatorSort is one sort key of QueryIndicators.
type IndicatorSort struct {
	// ItemKey is a property name such as "lastUpdatedTimeUtc" or "confidence".
	ItemKey string `json:"itemKey"`
	// SortOrder is SortAscending, SortDescending or SortUnsorted; "" is not sent (the
	// service's default).
	SortOrder IndicatorSortOrder `json:"sortOrder,omitzero"`
}

// QueryIndicatorsOptions are the criteria of QueryIndicators; all must hold. The zero value
// matches every indicator that is not revoked.
type QueryIndicatorsOptions struct {
	// PageSize is the number of indicators per page; 0 means the service's default.
	PageSize int
	// MinConfidence and MaxConfidence bound the confidence (0 to 100); a nil MaxConfidence
	// means no upper bound.
	MinConfidence int
	MaxConfidence *int
	// MinValidUntil and MaxValidUntil bound the end of validity; zero means no bound.
	MinValidUntil time.Time
	MaxValidUntil time.Time
	// IncludeDisabled includes revoked indicators.
	IncludeDisabled bool
	SortBy          []IndicatorSort
	Sources         []string
	PatternTypes    []string
	ThreatTypes     []string
	// IDs are indicator names.
	IDs []string
	// Keywords match display names, descriptions and patterns.
	Keywords []string
	// SkipToken starts at a skip token from an earlier query.
	SkipToken string
}

// indicatorQuery is the queryIndicators body.
type indicatorQuery struct {
	PageSize        int             `json:"pageSize,omitzero"`
	MinConfidence   int             `json:"minConfidence,omitzero"`
	MaxConfidence   *int            `json:"maxConfidence,omitzero"`
	MinValidUntil   time.Time       `json:"minValidUntil,omitzero"`
	MaxValidUntil   time.Time       `json:"maxValidUntil,omitzero"`
	IncludeDisabled bool            `json:"includeDisabled,omitzero"`
	SortBy          []IndicatorSort `json:"sortBy,omitzero"`
	Sources         []string        `json:"sources,omitzero"`
	PatternTypes    []string        `json:"patternTypes,omitzero"`
	ThreatTypes     []string        `json:"threatTypes,omitzero"`
	IDs             []string        `json:"ids,omitzero"`
	Keywords        []string        `json:"keywords,omitzero"`
	SkipToken       string          `json:"skipToken,omitzero"`
}

func (o *QueryIndicatorsOptions) validate() error {
	const p = "QueryIndicatorsOptions."
	switch {
	case o.PageSize < 0:
		return argError(p+"PageSize", "must not be negative, got %d", o.PageSize)
	case o.MinConfidence < 0 || o.MinConfidence > 100:
		return argError(p+"MinConfidence", "must be between 0 and 100, got %d", o.MinConfidence)
	case o.MaxConfidence != nil && (*o.MaxConfidence < 0 || *o.MaxConfidence > 100):
		return argError(p+"MaxConfidence", "must be between 0 and 100, got %d", *o.MaxConfidence)
	case o.MaxConfidence != nil && *o.MaxConfidence < o.MinConfidence:
		return argError(p+"MaxConfidence", "%d is below MinConfidence %d", *o.MaxConfidence, o.MinConfidence)
	case !o.MinValidUntil.IsZero() && !o.MaxValidUntil.IsZero() && o.MaxValidUntil.Before(o.MinValidUntil):
		return argError(p+"MaxValidUntil", "is before MinValidUntil")
	}
	for i, s := range o.SortBy {
		if strings.TrimSpace(s.ItemKey) == "" {
			return argError(fmt.Sprintf("%sSortBy[%d].ItemKey", p, i), "is required")
		}
	}
	return nil
}

// QueryIndicators returns a pager over the indicators that match the criteria
// (POST .../threatIntelligence/main/queryIndicators). The criteria travel in the body with
// the page size; each next page is a POST of the same criteria to the nextLink, with the
// link's skip token in the body. Invalid criteria are reported by the first NextPage.
//
//meta:operation POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/threatIntelligence/main/queryIndicators
func (c *Client) QueryIndicators(opts *QueryIndicatorsOptions) *Pager[Indicator] {
	o := optionsOf(opts)
	if err := o.validate(); err != nil {
		return errPager[Indicator](err)
	}
	body := indicatorQuery(o) // the same fields, with the wire names
	const op = "Client.QueryIndicators"
	p := newPager[Indicator](c, &request{op: op, method: http.MethodPost, path: c.tiPath("queryIndicators"), body: &body})
	rest.SetNext(p, func(link string) (*rest.Request, error) {
		u, err := url.Parse(link)
		if err != nil {
			return nil, err
		}
		q := u.Query()
		tok := q.Get("$skipToken")
		if tok == "" {
			tok = q.Get("skipToken")
		}
		if tok == "" {
			return nil, fmt.Errorf("sentinel: the queryIndicators nextLink %s has no skip token", cleanURL(link))
		}
		next := body
		next.SkipToken = tok
		return c.wire(&request{op: op, method: http.MethodPost, rawURL: link, body: &next}), nil
	})
	return p
}

// AppendIndicatorTagsOptions are the options of AppendIndicatorTags; none yet.
type AppendIndicatorTagsOptions struct{}

// AppendIndicatorTags adds tags to an indicator
// (POST .../threatIntelligence/main/indicators/{name}/appendTags).
//
//meta:operation POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/threatIntelligence/main/indicators/{name}/appendTags
func (c *Client) AppendIndicatorTags(ctx context.Context, name string, tags []string, _ *AppendIndicatorTagsOptions) error {
	if err := c.resourceName("name", &name, "threatIntelligence", "main", "indicators"); err != nil {
		return err
	}
	if len(tags) == 0 {
		return argError("tags", "must not be empty")
	}
	if err := checkTags(tags); err != nil {
		return err
	}
	body := struct {
		Tags []string `json:"threatIntelligenceTags"`
	}{tags}
	return c.call(ctx, &request{op: "Client.AppendIndicatorTags", method: http.MethodPost, path: c.tiPath("indicators", name, "appendTags"), body: &body}, nil)
}

func checkTags(tags []string) error {
	for i, t := range tags {
		if strings.TrimSpace(t) == "" {
			return argError(fmt.Sprintf("tags[%d]", i), "must not be empty")
		}
	}
	return nil
}

// ReplaceIndicatorTagsOptions are the options of ReplaceIndicatorTags.
type ReplaceIndicatorTagsOptions struct {
	// Etag, when set, makes the replacement conditional on the indicator's current etag.
	Etag string
}

// ReplaceIndicatorTags replaces all tags of an indicator with tags (none clears them)
// (POST .../threatIntelligence/main/indicators/{name}/replaceTags) and returns the indicator.
//
//meta:operation POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/threatIntelligence/main/indicators/{name}/replaceTags
func (c *Client) ReplaceIndicatorTags(ctx context.Context, name string, tags []string, opts *ReplaceIndicatorTagsOptions) (Indicator, error) {
	if err := c.resourceName("name", &name, "threatIntelligence", "main", "indicators"); err != nil {
		return Indicator{}, err
	}
	if err := checkTags(tags); err != nil {
		return Indicator{}, err
	}
	if tags == nil {
		tags = []string{}
	}
	body := struct {
		Etag       string `json:"etag,omitzero"`
		Kind       string `json:"kind"`
		Properties struct {
			Tags []string `json:"threatIntelligenceTags"`
		} `json:"properties"`
	}{Kind: indicatorKind}
	if opts != nil {
		body.Etag = opts.Etag
	}
	body.Properties.Tags = tags
	var out Indicator
	err := c.call(ctx, &request{op: "Client.ReplaceIndicatorTags", method: http.MethodPost, path: c.tiPath("indicators", name, "replaceTags"), body: &body}, &out)
	return out, err
}

// IndicatorMetric is one count of an IndicatorMetrics.
type IndicatorMetric struct {
	Name    string         `json:"metricName"`
	Value   int            `json:"metricValue"`
	Unknown jsontext.Value `json:",embed"`
}

// IndicatorMetrics counts the workspace's indicators by threat type, pattern type and
// source. Its fields read flat (m.SourceMetrics); on the wire IndicatorMetricsProperties sit
// under "properties". Members this SDK does not model are kept at every level.
type IndicatorMetrics struct {
	IndicatorMetricsProperties `json:"properties"`
	// Unknown holds the top-level members this SDK does not model.
	Unknown jsontext.Value `json:",embed"`
}

// IndicatorMetricsProperties are the counts of IndicatorMetrics.
type IndicatorMetricsProperties struct {
	LastUpdated        TextTime          `json:"lastUpdatedTimeUtc,omitzero"`
	ThreatTypeMetrics  []IndicatorMetric `json:"threatTypeMetrics,omitzero"`
	PatternTypeMetrics []IndicatorMetric `json:"patternTypeMetrics,omitzero"`
	SourceMetrics      []IndicatorMetric `json:"sourceMetrics,omitzero"`
	// Unknown holds the properties this SDK does not model.
	Unknown jsontext.Value `json:",embed"`
}

// ListIndicatorMetricsOptions are the options of ListIndicatorMetrics; none yet.
type ListIndicatorMetricsOptions struct{}

// ListIndicatorMetrics returns a pager over the indicator counts (GET
// .../threatIntelligence/main/metrics): one IndicatorMetrics per entry the service returns
// (usually one), in one page.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/threatIntelligence/main/metrics
func (c *Client) ListIndicatorMetrics(_ *ListIndicatorMetricsOptions) *Pager[IndicatorMetrics] {
	return newPager[IndicatorMetrics](c, &request{op: "Client.ListIndicatorMetrics", method: http.MethodGet, path: c.tiPath("metrics")})
}
