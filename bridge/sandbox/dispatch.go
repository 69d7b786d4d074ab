package sandbox

import (
	"context"
	"runtime/debug"
	"sync"
	"time"

	"go.mau.fi/whatsmeow"
	waLog "go.mau.fi/whatsmeow/util/log"
)

// delivery is one event waiting to be dispatched to a client's handlers.
type delivery struct {
	evt any
	// prepare runs on the dispatching goroutine right before the event is
	// handed out; returning false drops the event. It lets state changes
	// (IsLoggedIn becoming true) happen in the order whatsmeow makes them.
	prepare func() bool
	// attempts bounds deliveries of an event nobody acknowledged; 1 means
	// it is not redelivered.
	attempts int
	backoff  time.Duration
	ctx      context.Context
	// acked, when set, receives whether every handler returned true.
	acked chan<- bool
}

// dispatcher hands events to the handlers one at a time, in the order they
// were queued, like whatsmeow's single handler queue. Its goroutine runs only
// while something is queued, so an idle client holds none.
type dispatcher struct {
	log waLog.Logger

	hmu      sync.RWMutex
	handlers []handlerEntry
	nextID   uint32

	qmu     sync.Mutex
	queue   []delivery
	running bool
}

type handlerEntry struct {
	id uint32
	fn whatsmeow.EventHandlerWithSuccessStatus
}

func newDispatcher(log waLog.Logger) *dispatcher {
	return &dispatcher{log: log}
}

func (d *dispatcher) add(fn whatsmeow.EventHandlerWithSuccessStatus) uint32 {
	d.hmu.Lock()
	defer d.hmu.Unlock()
	d.nextID++
	d.handlers = append(d.handlers, handlerEntry{id: d.nextID, fn: fn})
	return d.nextID
}

func (d *dispatcher) remove(id uint32) bool {
	d.hmu.Lock()
	defer d.hmu.Unlock()
	for i, h := range d.handlers {
		if h.id == id {
			// A fresh slice, so a dispatch iterating the old one is unaffected.
			d.handlers = append(d.handlers[:i:i], d.handlers[i+1:]...)
			return true
		}
	}
	return false
}

// enqueue queues an event; it is dispatched after everything queued before.
func (d *dispatcher) enqueue(item delivery) {
	if item.attempts < 1 {
		item.attempts = 1
	}
	if item.ctx == nil {
		item.ctx = context.Background()
	}
	d.qmu.Lock()
	d.queue = append(d.queue, item)
	start := !d.running
	d.running = true
	d.qmu.Unlock()
	if start {
		go d.run()
	}
}

func (d *dispatcher) run() {
	for {
		d.qmu.Lock()
		if len(d.queue) == 0 {
			d.running = false
			d.queue = nil
			d.qmu.Unlock()
			return
		}
		item := d.queue[0]
		d.queue = d.queue[1:]
		d.qmu.Unlock()
		ok := d.deliver(item)
		if item.acked != nil {
			item.acked <- ok
		}
	}
}

// deliver dispatches one event until it is acknowledged, its attempts are
// used up or its context ends. Later events wait meanwhile, which keeps the
// order WhatsApp delivered them in.
func (d *dispatcher) deliver(item delivery) bool {
	if item.prepare != nil && !item.prepare() {
		return false
	}
	wait := item.backoff
	for attempt := 1; ; attempt++ {
		if item.ctx.Err() != nil {
			return false
		}
		if d.dispatch(item.evt) {
			return true
		}
		if attempt >= item.attempts {
			d.log.Warnf("%T was not acknowledged after %d deliveries", item.evt, attempt)
			return false
		}
		d.log.Debugf("%T was not acknowledged, redelivering in %s", item.evt, wait)
		timer := time.NewTimer(wait)
		select {
		case <-timer.C:
		case <-item.ctx.Done():
			timer.Stop()
			return false
		}
		wait = min(2*wait, maxRedeliveryBackoff)
	}
}

// dispatch calls the handlers in registration order and stops at the first
// that fails, as whatsmeow does. A panicking handler is logged and counts as
// handled, also as in whatsmeow.
func (d *dispatcher) dispatch(evt any) (ok bool) {
	d.hmu.RLock()
	handlers := d.handlers
	d.hmu.RUnlock()
	defer func() {
		if p := recover(); p != nil {
			d.log.Errorf("Event handler panicked while handling a %T: %v\n%s", evt, p, debug.Stack())
			ok = true
		}
	}()
	for _, h := range handlers {
		if !h.fn(evt) {
			return false
		}
	}
	return true
}
