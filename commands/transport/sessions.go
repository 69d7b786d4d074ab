package transport

import (
	"fmt"
	"github.com/wabridge/wabridge/internal/ident"
)

// validateSessions checks the sessions a transport serves. Each process
// subscribes only to the sessions it runs (a session is owned by one node,
// CONTRACT §1), so an empty list would serve nothing and is a mistake.
func validateSessions(who string, sessions []string) []error {
	if len(sessions) == 0 {
		return []error{fmt.Errorf("%s: Sessions must name the sessions this process runs", who)}
	}
	var errs []error
	seen := make(map[string]bool, len(sessions))
	for _, s := range sessions {
		switch {
		case !ident.ValidSession(s):
			errs = append(errs, fmt.Errorf("%s: invalid session name %q", who, s))
		case seen[s]:
			errs = append(errs, fmt.Errorf("%s: session %q listed twice", who, s))
		}
		seen[s] = true
	}
	return errs
}
