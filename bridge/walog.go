package bridge

import (
	"context"
	"fmt"
	"log/slog"

	waLog "go.mau.fi/whatsmeow/util/log"
)

// waLogger adapts slog to whatsmeow's printf-style logger.
type waLogger struct {
	base   *slog.Logger
	module string
	l      *slog.Logger // base with the module attribute
}

var _ waLog.Logger = waLogger{}

// NewWALogger returns a whatsmeow logger writing to l. Sub sets a "module"
// attribute naming whatsmeow's subsystem; nested Subs join with '/' so the
// record carries one module attribute, not one per level.
func NewWALogger(l *slog.Logger) waLog.Logger {
	if l == nil {
		l = slog.New(slog.DiscardHandler)
	}
	return waLogger{base: l, l: l}
}

func (w waLogger) Errorf(msg string, args ...any) { w.log(slog.LevelError, msg, args) }
func (w waLogger) Warnf(msg string, args ...any)  { w.log(slog.LevelWarn, msg, args) }
func (w waLogger) Infof(msg string, args ...any)  { w.log(slog.LevelInfo, msg, args) }
func (w waLogger) Debugf(msg string, args ...any) { w.log(slog.LevelDebug, msg, args) }

func (w waLogger) Sub(module string) waLog.Logger {
	if w.module != "" {
		module = w.module + "/" + module
	}
	return waLogger{base: w.base, module: module, l: w.base.With("module", module)}
}

// log formats only when the level is enabled: whatsmeow logs a lot at debug.
func (w waLogger) log(level slog.Level, msg string, args []any) {
	ctx := context.Background()
	if !w.l.Enabled(ctx, level) {
		return
	}
	w.l.Log(ctx, level, fmt.Sprintf(msg, args...))
}
