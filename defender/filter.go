package defender

import (
	"slices"
	"strings"
	"time"

	"github.com/sentinel-go/sentinel"
)

// filter is the $filter builder both IncidentFilter and AlertFilter are made of: conditions
// joined by "and", each on a property the list documents as filterable.
type filter struct{ clauses []string }

func (f filter) with(clause string) filter {
	return filter{clauses: append(slices.Clip(f.clauses), clause)}
}

// anyOf is "field eq 'a'" or "(field eq 'a' or field eq 'b' ...)".
func anyOf[T ~string](f filter, field string, values []T) filter {
	if len(values) == 0 {
		return f
	}
	parts := make([]string, len(values))
	for i, v := range values {
		parts[i] = field + " eq " + sentinel.ODataString(string(v))
	}
	if len(parts) == 1 {
		return f.with(parts[0])
	}
	return f.with("(" + strings.Join(parts, " or ") + ")")
}

func (f filter) assignedTo(upn string) filter {
	if upn == "" {
		return f.with("assignedTo eq null")
	}
	return f.with("assignedTo eq " + sentinel.ODataString(upn))
}

func (f filter) time(field, op string, t time.Time) filter {
	return f.with(field + " " + op + " " + sentinel.ODataTime(t))
}

func (f filter) raw(expr string) filter {
	if strings.TrimSpace(expr) == "" {
		return f
	}
	return f.with("(" + expr + ")")
}

func (f filter) String() string { return strings.Join(f.clauses, " and ") }

// IncidentFilter builds the $filter of ListIncidents from the properties Graph documents as
// filterable (status, severity, assignedTo, classification, determination, createdDateTime,
// lastUpdateDateTime) and customTags (a lambda, customTags/any(t:t eq 'x')). Each method
// returns a new filter with one more condition; the conditions are joined by "and":
//
//	f := defender.IncidentFilter{}.
//		StatusIn(defender.IncidentStatusActive, defender.IncidentStatusInProgress).
//		SeverityIn(defender.SeverityHigh).
//		UpdatedSince(time.Now().Add(-time.Hour))
//	pager := client.ListIncidents(&defender.ListIncidentsOptions{Filter: f.String()})
type IncidentFilter struct{ f filter }

// StatusIn matches incidents with any of the statuses.
func (f IncidentFilter) StatusIn(s ...IncidentStatus) IncidentFilter {
	return IncidentFilter{anyOf(f.f, "status", s)}
}

// SeverityIn matches incidents with any of the severities.
func (f IncidentFilter) SeverityIn(s ...Severity) IncidentFilter {
	return IncidentFilter{anyOf(f.f, "severity", s)}
}

// ClassificationIn matches incidents with any of the classifications.
func (f IncidentFilter) ClassificationIn(c ...Classification) IncidentFilter {
	return IncidentFilter{anyOf(f.f, "classification", c)}
}

// DeterminationIn matches incidents with any of the determinations.
func (f IncidentFilter) DeterminationIn(d ...Determination) IncidentFilter {
	return IncidentFilter{anyOf(f.f, "determination", d)}
}

// AssignedTo matches incidents assigned to the owner (as Graph stores it, usually a UPN);
// "" matches unassigned incidents (assignedTo eq null).
func (f IncidentFilter) AssignedTo(owner string) IncidentFilter {
	return IncidentFilter{f.f.assignedTo(owner)}
}

// CreatedSince matches incidents created at or after t.
func (f IncidentFilter) CreatedSince(t time.Time) IncidentFilter {
	return IncidentFilter{f.f.time("createdDateTime", "ge", t)}
}

// CreatedBefore matches incidents created strictly before t.
func (f IncidentFilter) CreatedBefore(t time.Time) IncidentFilter {
	return IncidentFilter{f.f.time("createdDateTime", "lt", t)}
}

// UpdatedSince matches incidents last updated at or after t (lastUpdateDateTime ge t).
func (f IncidentFilter) UpdatedSince(t time.Time) IncidentFilter {
	return IncidentFilter{f.f.time("lastUpdateDateTime", "ge", t)}
}

// UpdatedBefore matches incidents last updated strictly before t.
func (f IncidentFilter) UpdatedBefore(t time.Time) IncidentFilter {
	return IncidentFilter{f.f.time("lastUpdateDateTime", "lt", t)}
}

// HasCustomTag matches incidents carrying the custom tag: customTags/any(t:t eq 'tag').
// Graph does not list customTags among the filterable properties; a service that refuses
// it answers 400 (sentinel.ErrBadRequest).
func (f IncidentFilter) HasCustomTag(tag string) IncidentFilter {
	return IncidentFilter{f.f.with("customTags/any(t:t eq " + sentinel.ODataString(tag) + ")")}
}

// Raw adds a hand-written OData condition, parenthesised.
func (f IncidentFilter) Raw(expr string) IncidentFilter { return IncidentFilter{f.f.raw(expr)} }

// And adds all conditions of g.
func (f IncidentFilter) And(g IncidentFilter) IncidentFilter {
	for _, c := range g.f.clauses {
		f.f = f.f.with(c)
	}
	return f
}

// String returns the $filter expression: the conditions joined by "and"; "" for none.
func (f IncidentFilter) String() string { return f.f.String() }

// AlertFilter builds the $filter of ListAlerts from the properties Graph documents as
// filterable for alerts_v2: status, severity, assignedTo, classification, determination,
// serviceSource, createdDateTime and lastUpdateDateTime.
type AlertFilter struct{ f filter }

// StatusIn matches alerts with any of the statuses.
func (f AlertFilter) StatusIn(s ...AlertStatus) AlertFilter {
	return AlertFilter{anyOf(f.f, "status", s)}
}

// SeverityIn matches alerts with any of the severities.
func (f AlertFilter) SeverityIn(s ...Severity) AlertFilter {
	return AlertFilter{anyOf(f.f, "severity", s)}
}

// ClassificationIn matches alerts with any of the classifications.
func (f AlertFilter) ClassificationIn(c ...Classification) AlertFilter {
	return AlertFilter{anyOf(f.f, "classification", c)}
}

// DeterminationIn matches alerts with any of the determinations.
func (f AlertFilter) DeterminationIn(d ...Determination) AlertFilter {
	return AlertFilter{anyOf(f.f, "determination", d)}
}

// ServiceSourceIn matches alerts raised by any of the products.
func (f AlertFilter) ServiceSourceIn(s ...ServiceSource) AlertFilter {
	return AlertFilter{anyOf(f.f, "serviceSource", s)}
}

// AssignedTo matches alerts assigned to the owner; "" matches unassigned alerts.
func (f AlertFilter) AssignedTo(owner string) AlertFilter { return AlertFilter{f.f.assignedTo(owner)} }

// CreatedSince matches alerts created at or after t.
func (f AlertFilter) CreatedSince(t time.Time) AlertFilter {
	return AlertFilter{f.f.time("createdDateTime", "ge", t)}
}

// CreatedBefore matches alerts created strictly before t.
func (f AlertFilter) CreatedBefore(t time.Time) AlertFilter {
	return AlertFilter{f.f.time("createdDateTime", "lt", t)}
}

// UpdatedSince matches alerts last updated at or after t.
func (f AlertFilter) UpdatedSince(t time.Time) AlertFilter {
	return AlertFilter{f.f.time("lastUpdateDateTime", "ge", t)}
}

// UpdatedBefore matches alerts last updated strictly before t.
func (f AlertFilter) UpdatedBefore(t time.Time) AlertFilter {
	return AlertFilter{f.f.time("lastUpdateDateTime", "lt", t)}
}

// Raw adds a hand-written OData condition, parenthesised.
func (f AlertFilter) Raw(expr string) AlertFilter { return AlertFilter{f.f.raw(expr)} }

// String returns the $filter expression: the conditions joined by "and"; "" for none.
func (f AlertFilter) String() string { return f.f.String() }
