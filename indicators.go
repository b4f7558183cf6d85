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
)

// TextTime is a time the service sends as free text. The threat-intelligence API declares
// its times as plain strings and sends "" or other layouts at times: Text keeps what was
// sent, and Time is its parsed value, or zero when Text is empty or not a time this SDK
// recognises. Decoding never fails on the text.
//
// When encoded, Text is sent unchanged unless Time was set to another instant, in which
// case Time is sent in RFC 3339. Build one from a time.Time with TextTimeOf.
type TextTime struct {
	Time time.Time
	Text string
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
	tok, err := dec.ReadToken()
	if err != nil {
		return err
	}
	switch tok.Kind() {
	case 'n':
		*t = TextTime{}
		return nil
	case '"':
		s := tok.String()
		pt, err := parseTime([]byte(s))
		if err != nil {
			pt = time.Time{}
		}
		*t = TextTime{Time: pt, Text: s}
		return nil
	}
	return fmt.Errorf("a time must be a string, got %s", tok.Kind())
}

// MarshalJSONTo writes the time as a string.
func (t TextTime) MarshalJSONTo(enc *jsontext.Encoder) error {
	return enc.WriteToken(jsontext.String(t.wire()))
}

// UnmarshalJSON is UnmarshalJSONFrom for encoding/json.
func (t *TextTime) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, t, decodeOptions) }

// MarshalJSON is MarshalJSONTo for encoding/json.
func (t TextTime) MarshalJSON() ([]byte, error) { return json.Marshal(t, encodeOptions) }

// KillChainPhase is a phase of a kill chain, such as lockheed-martin-cyber-kill-chain's
// "reconnaissance".
type KillChainPhase struct {
	KillChainName string `json:"killChainName"`
	PhaseName     string `json:"phaseName"`
}

// ExternalReference points to information outside Sentinel about an indicator.
type ExternalReference struct {
	Description string            `json:"description,omitzero"`
	ExternalID  string            `json:"externalId,omitzero"`
	SourceName  string            `json:"sourceName,omitzero"`
	URL         string            `json:"url,omitzero"`
	Hashes      map[string]string `json:"hashes,omitzero"`
}

// GranularMarking marks parts of an indicator (STIX granular markings).
type GranularMarking struct {
	Language   string   `json:"language,omitzero"`
	MarkingRef int      `json:"markingRef,omitzero"`
	Selectors  []string `json:"selectors,omitzero"`
}

// ParsedPattern is the service's reading of an indicator's STIX pattern.
type ParsedPattern struct {
	PatternTypeKey    string                   `json:"patternTypeKey"`
	PatternTypeValues []ParsedPatternTypeValue `json:"patternTypeValues,omitzero"`
}

// ParsedPatternTypeValue is one value of a parsed pattern.
type ParsedPatternTypeValue struct {
	ValueType string `json:"valueType"`
	Value     string `json:"value"`
}

// Pattern types of indicators, as the Sentinel portal creates them.
const (
	PatternTypeURL        = "url"
	PatternTypeIPv4       = "ipv4-addr"
	PatternTypeIPv6       = "ipv6-addr"
	PatternTypeDomainName = "domain-name"
	PatternTypeFile       = "file"
)

// indicatorKind is the only kind of threat-intelligence resource.
const indicatorKind = "indicator"

// Indicator is a threat-intelligence indicator (a STIX indicator). Its times are TextTime
// because the service sends them as free text. Properties this SDK does not model are kept
// and sent back.
type Indicator struct {
	ID   string `json:"-"`
	Name string `json:"-"` // the indicator's ID, a GUID the service assigns
	Etag string `json:"-"`

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

	// Read-only: set by the service.
	ParsedPattern       []ParsedPattern `json:"parsedPattern,omitzero"`
	LastUpdated         TextTime        `json:"lastUpdatedTimeUtc,omitzero"`
	ExternalLastUpdated TextTime        `json:"externalLastUpdatedTimeUtc,omitzero"`
	FriendlyName        string          `json:"friendlyName,omitzero"`
	AdditionalData      map[string]any  `json:"additionalData,omitzero"`

	raw resourceRaw
}

type indicatorProps Indicator

func (i *Indicator) hdr() header { return header{&i.ID, &i.Name, &i.Etag, &i.raw} }

// UnknownProperties returns the indicator's properties this SDK does not model, as raw JSON.
func (i *Indicator) UnknownProperties() map[string][]byte { return unknownMembers(i.raw.props) }

// UnmarshalJSONFrom decodes the service's wire form.
func (i *Indicator) UnmarshalJSONFrom(dec *jsontext.Decoder) error {
	return decodeResource(dec, (*indicatorProps)(i), i.hdr())
}

// MarshalJSONTo encodes the service's wire form, with kind "indicator".
func (i Indicator) MarshalJSONTo(enc *jsontext.Encoder) error {
	return encodeResource(enc, (*indicatorProps)(&i), i.hdr(), indicatorKind)
}

// UnmarshalJSON decodes the service's wire form, for encoding/json.
func (i *Indicator) UnmarshalJSON(b []byte) error { return json.Unmarshal(b, i, decodeOptions) }

// MarshalJSON encodes the service's wire form, for encoding/json.
func (i Indicator) MarshalJSON() ([]byte, error) { return json.Marshal(i, encodeOptions) }

func (i *Indicator) validate() error {
	p := strings.TrimSpace(i.Pattern)
	switch {
	case p == "":
		return argError("Indicator.Pattern", "is required")
	case !strings.HasPrefix(p, "[") || !strings.HasSuffix(p, "]"):
		return argError("Indicator.Pattern", "%q is not a STIX pattern such as [url:value = 'http://example.com']", i.Pattern)
	case strings.TrimSpace(i.PatternType) == "":
		return argError("Indicator.PatternType", "is required")
	case i.Confidence < 0 || i.Confidence > 100:
		return argError("Indicator.Confidence", "must be between 0 and 100, got %d", i.Confidence)
	}
	if from, until := i.ValidFrom.Time, i.ValidUntil.Time; !from.IsZero() && !until.IsZero() && until.Before(from) {
		return argError("Indicator.ValidUntil", "%s is before ValidFrom %s", i.ValidUntil, i.ValidFrom)
	}
	for n, f := range map[string]TextTime{"ValidFrom": i.ValidFrom, "ValidUntil": i.ValidUntil} {
		if f.Text != "" && f.Time.IsZero() {
			return argError("Indicator."+n, "%q is not a time", f.Text)
		}
	}
	for k, ph := range i.KillChainPhases {
		if ph.KillChainName == "" || ph.PhaseName == "" {
			return argError(fmt.Sprintf("Indicator.KillChainPhases[%d]", k), "needs a kill chain name and a phase name")
		}
	}
	for k, t := range i.Tags {
		if strings.TrimSpace(t) == "" {
			return argError(fmt.Sprintf("Indicator.Tags[%d]", k), "must not be empty")
		}
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
	var o ListIndicatorsOptions
	if opts != nil {
		o = *opts
	}
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
	if err := checkID("name", name); err != nil {
		return Indicator{}, err
	}
	var out Indicator
	err := c.call(ctx, &request{op: "Client.GetIndicator", method: http.MethodGet, path: c.tiPath("indicators", name)}, &out)
	return out, err
}

// CreateIndicatorOptions are the options of CreateIndicator; none yet.
type CreateIndicatorOptions struct{}

// CreateIndicator creates an indicator (POST .../threatIntelligence/main/createIndicator);
// the service chooses its name, returned in the result. Pattern and PatternType are required.
//
// The request is not idempotent, so it is not retried after a 5xx status or a transport
// error, either of which may come after the indicator was created; 429 responses, which
// mean nothing was done, are still waited out. On such an error, look the indicator up
// (QueryIndicators with its pattern) before creating it again.
//
//meta:operation POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/threatIntelligence/main/createIndicator
func (c *Client) CreateIndicator(ctx context.Context, ind Indicator, _ *CreateIndicatorOptions) (Indicator, error) {
	if err := ind.validate(); err != nil {
		return Indicator{}, err
	}
	ind.ID, ind.Name, ind.Etag = "", "", ""
	ctx = policy.WithRetryOptions(ctx, policy.RetryOptions{MaxRetries: -1})
	var out Indicator
	err := c.call(ctx, &request{op: "Client.CreateIndicator", method: http.MethodPost, path: c.tiPath("createIndicator"), body: &ind, ok: okPut}, &out)
	return out, err
}

// UpdateIndicatorOptions are the options of UpdateIndicator; none yet.
type UpdateIndicatorOptions struct{}

// UpdateIndicator writes the whole indicator name
// (PUT .../threatIntelligence/main/indicators/{name}), creating it if it does not exist. Send
// the indicator as read, with its Etag: a stale etag is a *ResponseError matching
// ErrConflict.
//
//meta:operation PUT /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/threatIntelligence/main/indicators/{name}
func (c *Client) UpdateIndicator(ctx context.Context, name string, ind Indicator, _ *UpdateIndicatorOptions) (Indicator, error) {
	if err := checkID("name", name); err != nil {
		return Indicator{}, err
	}
	if err := ind.validate(); err != nil {
		return Indicator{}, err
	}
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
	if err := checkID("name", name); err != nil {
		return err
	}
	return c.call(ctx, &request{op: "Client.DeleteIndicator", method: http.MethodDelete, path: c.tiPath("indicators", name), ok: okDelete}, nil)
}

// IndicatorSortOrder is the order of a QueryIndicators sort key.
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
	ItemKey   string             `json:"itemKey"`
	SortOrder IndicatorSortOrder `json:"sortOrder"`
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
		n := fmt.Sprintf("%sSortBy[%d]", p, i)
		if s.ItemKey == "" {
			return argError(n+".ItemKey", "is required")
		}
		if err := checkEnum(n+".SortOrder", s.SortOrder, true, SortUnsorted, SortAscending, SortDescending); err != nil {
			return err
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
	var o QueryIndicatorsOptions
	if opts != nil {
		o = *opts
	}
	if err := o.validate(); err != nil {
		return errPager[Indicator](err)
	}
	body := indicatorQuery(o) // the same fields, with the wire names
	const op = "Client.QueryIndicators"
	p := newPager[Indicator](c, &request{op: op, method: http.MethodPost, path: c.tiPath("queryIndicators"), body: &body})
	p.next = func(link string) (*request, error) {
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
		return &request{op: op, method: http.MethodPost, rawURL: link, body: &next}, nil
	}
	return p
}

// AppendIndicatorTagsOptions are the options of AppendIndicatorTags; none yet.
type AppendIndicatorTagsOptions struct{}

// AppendIndicatorTags adds tags to an indicator
// (POST .../threatIntelligence/main/indicators/{name}/appendTags).
//
//meta:operation POST /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/threatIntelligence/main/indicators/{name}/appendTags
func (c *Client) AppendIndicatorTags(ctx context.Context, name string, tags []string, _ *AppendIndicatorTagsOptions) error {
	if err := checkID("name", name); err != nil {
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
	if err := checkID("name", name); err != nil {
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

// IndicatorMetric is one count of IndicatorMetrics.
type IndicatorMetric struct {
	Name  string `json:"metricName"`
	Value int    `json:"metricValue"`
}

// IndicatorMetrics counts the workspace's indicators by threat type, pattern type and
// source.
type IndicatorMetrics struct {
	LastUpdated        TextTime          `json:"lastUpdatedTimeUtc,omitzero"`
	ThreatTypeMetrics  []IndicatorMetric `json:"threatTypeMetrics,omitzero"`
	PatternTypeMetrics []IndicatorMetric `json:"patternTypeMetrics,omitzero"`
	SourceMetrics      []IndicatorMetric `json:"sourceMetrics,omitzero"`
}

// IndicatorMetricsOptions are the options of IndicatorMetrics; none yet.
type IndicatorMetricsOptions struct{}

// IndicatorMetrics returns the indicator counts (GET .../threatIntelligence/main/metrics), one
// IndicatorMetrics per entry the service returns (usually one). The list is not paged.
//
//meta:operation GET /subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.OperationalInsights/workspaces/{workspaceName}/providers/Microsoft.SecurityInsights/threatIntelligence/main/metrics
func (c *Client) IndicatorMetrics(ctx context.Context, _ *IndicatorMetricsOptions) ([]IndicatorMetrics, error) {
	var out struct {
		Value *[]struct {
			Properties IndicatorMetrics `json:"properties"`
		} `json:"value"`
	}
	r := &request{op: "Client.IndicatorMetrics", method: http.MethodGet, path: c.tiPath("metrics")}
	if err := c.call(ctx, r, &out); err != nil {
		return nil, err
	}
	if out.Value == nil {
		return nil, &DecodeError{Method: r.method, URL: cleanURL(c.url(r)), StatusCode: http.StatusOK, Err: fmt.Errorf(`the response has no "value" member`)}
	}
	metrics := make([]IndicatorMetrics, len(*out.Value))
	for i, v := range *out.Value {
		metrics[i] = v.Properties
	}
	return metrics, nil
}
