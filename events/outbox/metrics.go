package outbox

// Observer is told of every CloudEvent JetStream newly stored from the
// outbox (metrics). It runs on a lane's goroutine: quick, never blocking.
type Observer interface {
	EventPublished(ceType string)
}

// published tells the observer about an acknowledged entry of type typ;
// a duplicate was stored before (an entry published again after a crash)
// and is not counted twice.
func (l *lane) published(typ string, duplicate bool) {
	if o := l.p.cfg.Observer; o != nil && !duplicate {
		o.EventPublished(typ)
	}
}
