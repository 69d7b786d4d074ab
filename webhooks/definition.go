package webhooks

import (
	"encoding/json"
	"fmt"
	"strconv"
	"time"
)

// Defaults of a webhook's settings.
const (
	DefaultMaxAge      = 24 * time.Hour
	DefaultConcurrency = 1
	// MaxConcurrency bounds how many chats of one webhook are delivered at
	// the same time.
	MaxConcurrency = 64
)

// Definition is a webhook as users declare it, by POST /webhooks or in the
// config file (CONTRACT §10). Empty Events, Chats and Sessions mean all.
type Definition struct {
	URL      string   `json:"url" yaml:"url"`
	Events   []string `json:"events,omitempty" yaml:"events"`
	Chats    []string `json:"chats,omitempty" yaml:"chats"`
	Sessions []string `json:"sessions,omitempty" yaml:"sessions"`
	// Secret signs deliveries; generated when empty. PreviousSecret, set
	// during a rotation, signs them too, so receivers can switch over.
	Secret         string `json:"secret,omitempty" yaml:"secret"`
	PreviousSecret string `json:"previous_secret,omitempty" yaml:"previous_secret"`
	// Mode is "binary" (default) or "structured".
	Mode string `json:"mode,omitempty" yaml:"mode"`
	// Concurrency is how many chats proceed at once (default 1: strict
	// order over all chats).
	Concurrency int `json:"concurrency,omitempty" yaml:"concurrency"`
	// MaxAge is how old an event may get (from when WA_EVENTS stored it)
	// while it is retried; then it is dead-lettered.
	MaxAge Duration `json:"max_age,omitempty" yaml:"max_age"`
}

// Webhook is a stored webhook: its definition with defaults applied, its
// id, and whether it was disabled (a receiver's 410 Gone).
type Webhook struct {
	ID string `json:"id"`
	Definition
	// Declared marks webhooks of the config file (re-applied at start).
	Declared       bool      `json:"declared,omitempty"`
	CreatedAt      time.Time `json:"created_at"`
	Disabled       bool      `json:"disabled,omitempty"`
	DisabledReason string    `json:"disabled_reason,omitempty"`
}

// keys are the HMAC keys that sign its deliveries, the current one first.
func (w Webhook) keys() ([][]byte, error) {
	var keys [][]byte
	for _, s := range []string{w.Secret, w.PreviousSecret} {
		if s == "" {
			continue
		}
		k, err := ParseSecret(s)
		if err != nil {
			return nil, err
		}
		keys = append(keys, k)
	}
	return keys, nil
}

// Duration is a time span written as a Go duration ("90s", "24h") or as a
// number of seconds.
type Duration time.Duration

// MarshalJSON writes the Go form.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads "90s" or 90.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		var n float64
		if err := json.Unmarshal(b, &n); err != nil {
			return fmt.Errorf("max_age must be a duration (\"24h\") or seconds")
		}
		*d = Duration(n * float64(time.Second))
		return nil
	}
	return d.parse(s)
}

// UnmarshalYAML reads the same forms from the config file.
func (d *Duration) UnmarshalYAML(unmarshal func(any) error) error {
	var s string
	if err := unmarshal(&s); err != nil {
		return err
	}
	return d.parse(s)
}

func (d *Duration) parse(s string) error {
	if n, err := strconv.ParseFloat(s, 64); err == nil {
		*d = Duration(n * float64(time.Second))
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("max_age %q is not a duration (\"24h\") or seconds", s)
	}
	*d = Duration(v)
	return nil
}
