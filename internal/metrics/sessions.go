package metrics

import "github.com/prometheus/client_golang/prometheus"

// The states a session's gauge reports, one series each.
const (
	StateConnected    = "connected"    // logged in and connected to WhatsApp
	StateDisconnected = "disconnected" // logged in, connection down
	StateLoggedOut    = "logged_out"   // not logged in (never paired, or logged out)
)

// SessionStates are every state of the gauge, in its order.
var SessionStates = []string{StateConnected, StateDisconnected, StateLoggedOut}

// Session is one session as the gauge shows it.
type Session struct {
	Name      string
	LoggedIn  bool
	Connected bool
}

// State is the one of SessionStates the session is in.
func (s Session) State() string {
	switch {
	case !s.LoggedIn:
		return StateLoggedOut
	case s.Connected:
		return StateConnected
	default:
		return StateDisconnected
	}
}

// Sessions lists the sessions this process runs.
type Sessions interface {
	Sessions() []Session
}

var sessionStateDesc = prometheus.NewDesc(Namespace+"_session_state",
	"1 for the state a session is in, 0 for the others (one series per state, as kube-state-metrics does): alert on wabridge_session_state{state=\"connected\"} == 0.",
	[]string{"session", "state"}, nil)

type sessionCollector struct{ src Sessions }

func (c sessionCollector) Describe(ch chan<- *prometheus.Desc) { ch <- sessionStateDesc }

func (c sessionCollector) Collect(ch chan<- prometheus.Metric) {
	for _, s := range c.src.Sessions() {
		cur := s.State()
		for _, st := range SessionStates {
			v := 0.0
			if st == cur {
				v = 1
			}
			ch <- prometheus.MustNewConstMetric(sessionStateDesc, prometheus.GaugeValue, v, s.Name, st)
		}
	}
}
