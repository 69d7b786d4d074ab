package natsbus

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/nats-io/nats-server/v2/server"
)

// serverLogger adapts nats-server's printf-style Logger to slog and masks the
// configured secrets, should the server ever print one.
type serverLogger struct {
	log     *slog.Logger
	secrets []string
}

var _ server.Logger = (*serverLogger)(nil)

func newServerLogger(log *slog.Logger, secrets ...string) *serverLogger {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &serverLogger{log: log.With("component", "nats-server")}
	for _, s := range secrets {
		if s != "" {
			l.secrets = append(l.secrets, s)
		}
	}
	return l
}

func (l *serverLogger) debugEnabled() bool {
	return l.log.Enabled(context.Background(), slog.LevelDebug)
}

func (l *serverLogger) emit(level slog.Level, format string, v []any) {
	if !l.log.Enabled(context.Background(), level) {
		return
	}
	msg := fmt.Sprintf(format, v...)
	for _, s := range l.secrets {
		msg = strings.ReplaceAll(msg, s, "[REDACTED]")
	}
	l.log.Log(context.Background(), level, msg)
}

func (l *serverLogger) Noticef(format string, v ...any) { l.emit(slog.LevelInfo, format, v) }
func (l *serverLogger) Warnf(format string, v ...any)   { l.emit(slog.LevelWarn, format, v) }
func (l *serverLogger) Errorf(format string, v ...any)  { l.emit(slog.LevelError, format, v) }

// Fatalf is logged, not acted on: the embedding process decides whether a
// failing embedded server ends it.
func (l *serverLogger) Fatalf(format string, v ...any) { l.emit(slog.LevelError, "fatal: "+format, v) }
func (l *serverLogger) Debugf(format string, v ...any) { l.emit(slog.LevelDebug, format, v) }
func (l *serverLogger) Tracef(format string, v ...any) { l.emit(slog.LevelDebug-4, format, v) }
