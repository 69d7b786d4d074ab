package main

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/internal/werr"
)

// sessionsPart is the WhatsApp side: the device store, the sessions (on
// whatsmeow, or on the simulated network with --sandbox), the terminal QR
// logins and the pruning of the message index.
type sessionsPart struct {
	cfg     Config
	log     *slog.Logger
	storage *storagePart
	outbox  *outboxPart
	stdout  io.Writer // where QR codes are drawn

	devices interface{ Close() error }
	network *sandbox.Network
	manager *bridge.Manager
	cancel  context.CancelFunc
	wg      sync.WaitGroup // the background loops below
}

func (p *sessionsPart) Name() string { return "sessions" }

func (p *sessionsPart) Start(ctx context.Context) error {
	devices, err := bridge.OpenDeviceStore(ctx, p.cfg.DataDir, p.log.With("component", "devicestore"))
	if err != nil {
		return err
	}
	p.devices = devices
	factory := bridge.WhatsmeowFactory()
	if p.cfg.Sandbox {
		p.log.Warn("sandbox mode: sessions run against a simulated WhatsApp network, not WhatsApp")
		p.network = sandbox.NewNetwork(sandbox.Config{Log: p.log.With("component", "sandbox")})
		factory = p.network.Factory()
	}
	var qrOut io.Writer
	if p.cfg.QRTerminal {
		qrOut = p.stdout
	}
	p.manager, err = bridge.NewManager(bridge.ManagerConfig{
		Devices:   devices,
		DB:        p.storage.db,
		Sink:      p.outbox.ob,
		NewClient: factory,
		Log:       p.log.With("component", "bridge"),
		QRWriter:  qrOut,
	})
	if err != nil {
		_ = devices.Close()
		return err
	}
	if err := p.manager.Start(ctx, p.cfg.Sessions...); err != nil {
		p.manager.Close()
		_ = devices.Close()
		return err
	}
	bg, cancel := context.WithCancel(context.Background())
	p.cancel = cancel
	if p.cfg.QRTerminal {
		p.startTerminalLogins(bg)
	}
	if p.cfg.MessageRetention > 0 {
		p.goLoop(func() { p.pruneMessages(bg) })
	}
	return nil
}

func (p *sessionsPart) Stop(context.Context) error {
	p.cancel()
	p.wg.Wait()
	p.manager.Close()
	return p.devices.Close()
}

func (p *sessionsPart) Ready(context.Context) (any, error) {
	if !p.manager.Ready() {
		return nil, errStarting("sessions are starting")
	}
	states := map[string]any{}
	for _, name := range p.manager.Names() {
		if s, err := p.manager.Get(name); err == nil {
			states[name] = s.Status()
		}
	}
	return states, nil
}

func (p *sessionsPart) goLoop(f func()) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		f()
	}()
}

// pruneMessages keeps the message index within --message-retention: at
// start, then hourly.
func (p *sessionsPart) pruneMessages(ctx context.Context) {
	index := p.manager.Index()
	tick := time.NewTicker(time.Hour)
	defer tick.Stop()
	for {
		n, err := index.Prune(time.Now().Add(-p.cfg.MessageRetention))
		if err != nil {
			p.log.Error("pruning the message index", "err", err)
		} else if n > 0 {
			p.log.Info("pruned the message index", "removed", n, "retention", p.cfg.MessageRetention)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// startTerminalLogins begins a QR login for every session that has no linked
// device, so that a fresh `wabridge serve` shows a QR code in the terminal
// without any call. While WhatsApp cannot be reached it tries again with
// backoff; once codes were shown and ran out, GET /app/login begins another.
func (p *sessionsPart) startTerminalLogins(ctx context.Context) {
	for _, name := range p.cfg.Sessions {
		sess, err := p.manager.Get(name)
		if err != nil || sess.Status().LoggedIn {
			continue
		}
		p.goLoop(func() { p.terminalLogin(ctx, name, sess) })
	}
}

func (p *sessionsPart) terminalLogin(ctx context.Context, name string, sess *bridge.Session) {
	for wait := 2 * time.Second; ctx.Err() == nil && !sess.Status().LoggedIn; wait = min(2*wait, time.Minute) {
		_, err := sess.Login(ctx)
		if err == nil {
			p.log.Info("scan the QR code above with WhatsApp (Linked devices), or open /app/login", "session", name)
			return
		}
		if k := werr.KindOf(err); k != werr.KindNotConnected && k != werr.KindTimeout {
			p.log.Warn("terminal login stopped; GET /app/login starts one", "session", name, "err", err)
			return
		}
		p.log.Warn("no QR code yet: WhatsApp not reachable; trying again", "session", name, "in", wait)
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
	}
}

// errStarting is a readiness error of a part still coming up.
type errStarting string

func (e errStarting) Error() string { return string(e) }
