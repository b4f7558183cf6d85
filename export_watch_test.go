package sentinel

// RedirectionFromWire reads the merge target from an incident's wire form, for tests that
// do not depend on what the model keeps.
func RedirectionFromWire(raw []byte) Redirection { return redirectionFromWire(raw) }
