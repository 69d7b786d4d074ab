package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/wabridge/wabridge/bridge"
	"github.com/wabridge/wabridge/bridge/sandbox"
	"github.com/wabridge/wabridge/internal/fetch"
)

// sessionsPart is the WhatsApp side: the device store and the sessions (on
// whatsmeow, or on the simulated network with --sandbox). The Manager owns
// the policies: with --qr-terminal it begins the logins that draw QR codes
// there, and it prunes the message index to --message-retention.
type sessionsPart struct {
	cfg     Config
	log     *slog.Logger
	storage *storagePart
	outbox  *outboxPart
	media   mediaResolver // the media part (media.go): resolves media fields
	stdout  io.Writer     // where QR codes are drawn

	devices interface{ Close() error }
	network *sandbox.Network
	manager *bridge.Manager
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
		Devices:               devices,
		DB:                    p.storage.db,
		Sink:                  p.outbox.ob,
		NewClient:             factory,
		Log:                   p.log.With("component", "bridge"),
		QRWriter:              qrOut,
		AutoLogin:             p.cfg.QRTerminal,
		MessageRetention:      p.cfg.MessageRetention,
		Fetch:                 fetch.Config{Allow: p.cfg.FetchAllow},
		RejectCalls:           p.cfg.RejectCalls,
		RejectCallMessage:     p.cfg.RejectCallMessage,
		PresenceSubscriptions: p.cfg.presenceSubscriptions(),
		Media:                 p.mediaSource(),
		MediaLimits:           p.cfg.MediaMaxSize,
		MediaPrep:             p.mediaPrep(),
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
	return nil
}

func (p *sessionsPart) Stop(context.Context) error {
	p.manager.Close()
	return p.devices.Close()
}

func (p *sessionsPart) Ready(context.Context) (any, error) {
	if !p.manager.Ready() {
		return nil, errStarting("sessions are starting")
	}
	// /readyz answers without credentials (probes): state only, never whose
	// account a session is.
	states := map[string]any{}
	for _, name := range p.manager.Names() {
		if s, err := p.manager.Get(name); err == nil {
			st := s.Status()
			states[name] = map[string]bool{"logged_in": st.LoggedIn, "connected": st.Connected}
		}
	}
	return states, nil
}

// errStarting is a readiness error of a part still coming up.
type errStarting string

func (e errStarting) Error() string { return string(e) }
