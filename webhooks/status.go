package webhooks

import (
	"net/url"
	"sync"
	"time"
)

// Status is how a webhook's delivery fares on the node answering.
type Status struct {
	Running             bool       `json:"running"`
	Delivered           uint64     `json:"delivered"`
	LastSuccess         *time.Time `json:"last_success,omitempty"`
	LastError           string     `json:"last_error,omitempty"`
	LastErrorAt         *time.Time `json:"last_error_at,omitempty"`
	LastStatus          int        `json:"last_status,omitempty"`
	ConsecutiveFailures int        `json:"consecutive_failures"`
	// Lag is how many matching events the consumer has not handed out yet;
	// InFlight those handed out and not yet delivered.
	Lag         uint64 `json:"lag"`
	InFlight    int    `json:"in_flight"`
	DeadLetters uint64 `json:"dead_letters"`
}

// status is the runner's side of Status.
type status struct {
	mu sync.Mutex
	s  Status
}

func (st *status) setRunning(v bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.s.Running = v
}

func (st *status) success(code int) {
	now := time.Now().UTC()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.s.Delivered++
	st.s.LastSuccess, st.s.LastStatus, st.s.ConsecutiveFailures = &now, code, 0
}

func (st *status) failure(code int, err error) {
	now := time.Now().UTC()
	st.mu.Lock()
	defer st.mu.Unlock()
	st.s.LastError, st.s.LastErrorAt, st.s.LastStatus = err.Error(), &now, code
	st.s.ConsecutiveFailures++
}

func (st *status) get() Status {
	st.mu.Lock()
	defer st.mu.Unlock()
	return st.s
}

// View is a webhook as GET /webhooks shows it: never its secrets.
type View struct {
	ID             string    `json:"id"`
	URL            string    `json:"url"`
	Events         []string  `json:"events"`
	Chats          []string  `json:"chats"`
	Sessions       []string  `json:"sessions"`
	Mode           string    `json:"mode"`
	Concurrency    int       `json:"concurrency"`
	MaxAge         Duration  `json:"max_age"`
	Rotating       bool      `json:"rotating,omitempty"` // a previous secret still signs
	Declared       bool      `json:"declared,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	Disabled       bool      `json:"disabled,omitempty"`
	DisabledReason string    `json:"disabled_reason,omitempty"`
	// Node holds the webhook's lease and delivers it; absent while none does.
	Node   string `json:"node,omitempty"`
	Status Status `json:"status"`
}

func viewOf(w Webhook) View {
	return View{ID: w.ID, URL: redactedURL(w.URL), Events: nonNil(w.Events), Chats: nonNil(w.Chats), Sessions: nonNil(w.Sessions),
		Mode: w.Mode, Concurrency: w.Concurrency, MaxAge: w.MaxAge, Rotating: w.PreviousSecret != "",
		Declared: w.Declared, CreatedAt: w.CreatedAt, Disabled: w.Disabled, DisabledReason: w.DisabledReason}
}

// redactedURL is the URL with the password of its user info masked: a
// receiver's basic-auth password is a secret like the signing one.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw // stored URLs parsed when they were created
	}
	return u.Redacted()
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
