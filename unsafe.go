package sentinel

import "unsafe"

// unsafeString returns b as a string without copying. The caller must not modify b while
// the string is in use, and must not keep the string beyond b's lifetime.
func unsafeString(b []byte) string {
	if len(b) == 0 {
		return ""
	}
	return unsafe.String(&b[0], len(b))
}
