// Package ident is the one home of the names every layer checks: session
// names (CONTRACT §1). It imports nothing of the project.
package ident

import "regexp"

// DefaultSession is the session used when none is named (CONTRACT §1).
const DefaultSession = "default"

// SessionPattern is what a session name matches (CONTRACT §1).
const SessionPattern = `^[a-z0-9][a-z0-9_-]{0,31}$`

var sessionName = regexp.MustCompile(SessionPattern)

// ValidSession reports whether name is a valid session name.
func ValidSession(name string) bool { return sessionName.MatchString(name) }
