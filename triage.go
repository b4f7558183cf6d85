package sentinel

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// IncidentPart names one part of IncidentDetails.
type IncidentPart string

// The parts of IncidentDetails, in the order errors are reported.
const (
	PartIncident IncidentPart = "incident"
	PartAlerts   IncidentPart = "alerts"
	PartEntities IncidentPart = "entities"
	PartComments IncidentPart = "comments"
)

var incidentParts = []IncidentPart{PartIncident, PartAlerts, PartEntities, PartComments}

// IncidentDetails is an incident with everything a triage needs, from GetIncidentDetails.
// A part whose request failed is left empty and its error is in Errors.
type IncidentDetails struct {
	Incident Incident
	// Alerts are the incident's security alerts (ListAlerts).
	Alerts []SecurityAlert
	// Entities are the incident's entities (ListEntities); EntityCounts counts them by kind.
	Entities []Entity
	// Enriched is EnrichEntities of Entities.
	Enriched []EnrichedEntity
	// Comments are the incident's comments in the service's order (ListComments).
	Comments []IncidentComment
	// Errors holds the error of each part that failed; it is nil when none did.
	Errors map[IncidentPart]error
}

// GetIncidentDetailsOptions are the options of GetIncidentDetails.
type GetIncidentDetailsOptions struct {
	// MaxConcurrency bounds the requests in flight at once; 0 means 4 (every part at once).
	MaxConcurrency int
	// MaxComments bounds the comments fetched; 0 means all of them.
	MaxComments int
}

// IncidentDetailsError reports the parts of GetIncidentDetails that failed. It unwraps to
// their errors, so errors.Is(err, ErrNotFound) and errors.As work on it.
type IncidentDetailsError struct {
	IncidentID string
	Errors     map[IncidentPart]error
}

// Error lists the failed parts and their errors.
func (e *IncidentDetailsError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "sentinel: incident %s: %d of %d parts failed", e.IncidentID, len(e.Errors), len(incidentParts))
	for _, p := range incidentParts {
		if err := e.Errors[p]; err != nil {
			fmt.Fprintf(&b, "; %s: %v", p, err)
		}
	}
	return b.String()
}

// Unwrap returns the errors of the failed parts, in part order.
func (e *IncidentDetailsError) Unwrap() []error {
	var out []error
	for _, p := range incidentParts {
		if err := e.Errors[p]; err != nil {
			out = append(out, err)
		}
	}
	return out
}

// GetIncidentDetails fetches an incident together with its alerts, entities (with their
// enriched view) and comments in one call: GET .../incidents/{id}, POST .../alerts, POST
// .../entities and GET .../comments (following nextLinks), concurrently, at most
// MaxConcurrency requests at a time. A part that fails does not spoil the others: the
// result holds every part that succeeded, and the returned error, an
// *IncidentDetailsError, names those that failed (errors.Is(err, ErrNotFound) when the
// incident does not exist): this is one of the calls documented to return partial data with
// their error. The result is empty when the arguments are invalid. It costs four requests
// (more when the comments span several pages).
func (c *Client) GetIncidentDetails(ctx context.Context, id string, opts *GetIncidentDetailsOptions) (IncidentDetails, error) {
	if err := c.resourceName("id", &id, "incidents"); err != nil {
		return IncidentDetails{}, err
	}
	o := optionsOf(opts)
	switch {
	case o.MaxConcurrency < 0:
		return IncidentDetails{}, argError("GetIncidentDetailsOptions.MaxConcurrency", "must not be negative, got %d", o.MaxConcurrency)
	case o.MaxComments < 0:
		return IncidentDetails{}, argError("GetIncidentDetailsOptions.MaxComments", "must not be negative, got %d", o.MaxComments)
	case o.MaxConcurrency == 0:
		o.MaxConcurrency = len(incidentParts)
	}

	d := &IncidentDetails{}
	fetch := map[IncidentPart]func() error{
		PartIncident: func() (err error) {
			d.Incident, err = c.GetIncident(ctx, id, nil)
			return err
		},
		PartAlerts: func() (err error) {
			if d.Alerts, err = c.ListAlerts(id, nil).Collect(ctx, 0); err != nil {
				d.Alerts = nil
			}
			return err
		},
		PartEntities: func() (err error) {
			if d.Entities, err = c.ListEntities(id, nil).Collect(ctx, 0); err != nil {
				d.Entities = nil
				return err
			}
			d.Enriched = EnrichEntities(d.Entities)
			return nil
		},
		PartComments: func() (err error) {
			d.Comments, err = c.ListComments(id, nil).Collect(ctx, o.MaxComments)
			if err != nil {
				d.Comments = nil
			}
			return err
		},
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs = map[IncidentPart]error{}
		sem  = make(chan struct{}, o.MaxConcurrency)
	)
	for _, p := range incidentParts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			select {
			case sem <- struct{}{}:
			case <-ctx.Done():
				mu.Lock()
				errs[p] = ctx.Err()
				mu.Unlock()
				return
			}
			defer func() { <-sem }()
			if err := fetch[p](); err != nil {
				mu.Lock()
				errs[p] = err
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(errs) == 0 {
		return *d, nil
	}
	d.Errors = errs
	return *d, &IncidentDetailsError{IncidentID: id, Errors: errs}
}
