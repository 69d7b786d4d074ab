package bridge

import (
	"context"

	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waE2E"
	"go.mau.fi/whatsmeow/types"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/codes"
	"go.opentelemetry.io/otel/trace"

	"github.com/wabridge/wabridge/internal/werr"
)

// tracerName is the instrumentation scope of the bridge's spans.
const tracerName = "github.com/wabridge/wabridge/bridge"

// sendMessage sends msg to WhatsApp under id within a "whatsapp.send" span
// (CONTRACT §11). The span is a child of the span in ctx, the command's,
// and comes from that span's provider: the bridge is handed no tracer, so
// a send outside any trace costs a no-op span. The span and the log line
// name the WhatsApp message id and the kind of chat, never the number or
// the text.
func (s *Session) sendMessage(ctx context.Context, l *link, to types.JID, msg *waE2E.Message, id types.MessageID) (whatsmeow.SendResponse, error) {
	tracer := trace.SpanFromContext(ctx).TracerProvider().Tracer(tracerName)
	ctx, span := tracer.Start(ctx, "whatsapp.send", trace.WithSpanKind(trace.SpanKindClient), trace.WithAttributes(
		attribute.String("whatsapp.message.id", id),
		attribute.String("whatsapp.chat.server", to.Server),
	))
	defer span.End()
	resp, err := l.client.SendMessage(ctx, to, msg, whatsmeow.SendRequestExtra{ID: id})
	if err != nil {
		// The code as the caller will see it; the error's text may name
		// the recipient, so it stays out of the span.
		code := werr.From(classify(err, op(to, "sending"))).Code
		span.SetStatus(codes.Error, code)
		s.log.DebugContext(ctx, "whatsapp send failed", "msg_id", id, "code", code)
		return resp, err
	}
	s.log.DebugContext(ctx, "whatsapp send done", "msg_id", id, "chat_server", to.Server)
	return resp, nil
}
