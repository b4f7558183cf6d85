package sentinel

import "strings"

// Provider names of incidents (Incident.ProviderName).
const (
	// ProviderSentinel is the provider of incidents that Microsoft Sentinel's analytics rules
	// create, and of incidents created by hand or through the API.
	ProviderSentinel = "Azure Sentinel"
	// ProviderXDR is the provider of incidents in a workspace onboarded to the Microsoft
	// Defender portal: Microsoft Defender XDR correlates the alerts and owns the incidents,
	// and Sentinel's incidents mirror them.
	ProviderXDR = "Microsoft XDR"
	// ProviderM365Defender is the name Microsoft Defender XDR's incidents had before the
	// product was renamed; older incidents keep it.
	ProviderM365Defender = "Microsoft 365 Defender"
)

// IsFromDefenderXDR reports whether Microsoft Defender XDR owns the incident: its provider is
// ProviderXDR (or, on older incidents, ProviderM365Defender), compared without regard to
// case. Such an incident is edited in the Defender portal too, which its
// AdditionalData.ProviderIncidentURL links to; when Defender merges it into another
// incident, it is closed and labelled Redirected (see RedirectionOf).
func (inc Incident) IsFromDefenderXDR() bool {
	return strings.EqualFold(inc.ProviderName, ProviderXDR) || strings.EqualFold(inc.ProviderName, ProviderM365Defender)
}
