package commands

import (
	"fmt"
	"io/fs"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/ident"
	"github.com/wabridge/wabridge/internal/jsonyaml"
	"github.com/wabridge/wabridge/schemas"
)

// AsyncAPI returns the AsyncAPI 3.0 document of the NATS interface as
// indented JSON, generated from both catalogs: per command its cmd and rpc
// channels (and the result channel of an effect), per event type its evt
// channel, each message with the schema of its data embedded under
// components/schemas. The output is deterministic, so it can be served,
// diffed and committed as is. version becomes info.version.
func AsyncAPI(version string) ([]byte, error) {
	return asyncAPI(schemas.FS(), Catalog(), events.Catalog(), version)
}

// AsyncAPIYAML is the same document as YAML, for /asyncapi.yaml and the
// committed schemas/asyncapi.yaml.
func AsyncAPIYAML(version string) ([]byte, error) {
	raw, err := AsyncAPI(version)
	if err != nil {
		return nil, err
	}
	y, err := jsonyaml.Convert(raw)
	if err != nil {
		return nil, fmt.Errorf("the AsyncAPI document: %w", err)
	}
	return y, nil
}

func asyncAPI(fsys fs.FS, cmds []Spec, evts []events.Spec, version string) ([]byte, error) {
	if err := needVersion("AsyncAPI", version); err != nil {
		return nil, err
	}
	b := &asyncBuilder{embed: schemaEmbedder{fsys: fsys, schemas: obj{}},
		channels: obj{}, operations: obj{}, messages: obj{}}
	for _, s := range cmds {
		if err := b.addCommand(s); err != nil {
			return nil, fmt.Errorf("building the AsyncAPI channels of command %s: %w", s.Name, err)
		}
	}
	for _, s := range evts {
		if err := b.addEvent(s); err != nil {
			return nil, fmt.Errorf("building the AsyncAPI channel of event %s: %w", s.Type, err)
		}
	}
	return encodeDocument("AsyncAPI", b.document(version))
}

type asyncBuilder struct {
	embed      schemaEmbedder
	channels   obj // channel id → channel
	operations obj // operation id → operation
	messages   obj // components/messages
}

const asyncDescription = "WhatsApp accounts on NATS, speaking CloudEvents 1.0 (JSON event format).\n\n" +
	"Commands arrive on `wa.<session>.cmd.<name>` (JetStream stream WA_COMMANDS, executed at least once, " +
	"effect once) or `wa.<session>.rpc.<name>` (core NATS request-reply, queue group `wabridge`; the reply is " +
	"the result CloudEvent). Session + `ce-source` + `ce-id` is the idempotency key. The result of every " +
	"effect command is also published on `wa.<session>.result.<name>` (stream WA_EVENTS, the audit trail); " +
	"queries are answered only. WhatsApp events are published on `wa.<session>.evt.<chat>.<event>` (stream " +
	"WA_EVENTS, Nats-Msg-Id = CloudEvent id), where `<chat>` is the chat JID with every `.` replaced by `_`, " +
	"or `_` for events that concern no chat; subscribe to `wa.<session>.evt.>` for all of them.\n\n" +
	"The prefix `wa` is configurable (stream names follow it). CloudEvents are accepted in binary content mode " +
	"(`ce-*` headers, percent-encoded values, as described by the messages' headers here) and in structured mode " +
	"(`Content-Type: application/cloudevents+json`, the whole event as payload); events are published in binary " +
	"mode unless configured otherwise."

func (b *asyncBuilder) document(version string) obj {
	return obj{
		"asyncapi":           "3.0.0",
		"id":                 "urn:wabridge",
		"defaultContentType": "application/json",
		"info": obj{
			"title":       "wabridge",
			"version":     version,
			"description": asyncDescription,
		},
		"servers": obj{
			"embedded": obj{"host": "127.0.0.1:4222", "protocol": "nats",
				"description": "The embedded nats-server of `wabridge serve`; with --nats-url, your cluster."},
		},
		"channels":   b.channels,
		"operations": b.operations,
		"components": obj{
			"schemas":       b.embed.withEnvelope(),
			"messages":      b.messages,
			"parameters":    asyncParameters(),
			"messageTraits": obj{"cloudEvent": cloudEventTrait()},
		},
	}
}

// put adds a channel, operation or message under id, refusing a second one:
// two catalog names that map to one id would otherwise hide each other.
func put(m obj, what, id string, v obj) error {
	if _, dup := m[id]; dup {
		return fmt.Errorf("two %ss named %s", what, id)
	}
	m[id] = v
	return nil
}

func asyncParameters() obj {
	return obj{
		"session": obj{
			"description": "Session name, " + ident.SessionPattern + "; the default session is `" + ident.DefaultSession + "`.",
			"examples":    []any{ident.DefaultSession},
		},
		"chat": obj{
			"description": "The chat JID with every `.` replaced by `_`; the CloudEvent subject carries the JID itself.",
			"examples":    []any{"4917612345678@s_whatsapp_net", "120363025246125888@g_us", "1234@lid"},
		},
	}
}

// cloudEventTrait documents binary content mode: the attributes as ce-*
// headers (CONTRACT §3).
func cloudEventTrait() obj {
	str := func(description string) obj {
		o := obj{"type": "string"}
		if description != "" {
			o["description"] = description
		}
		return o
	}
	return obj{
		"headers": obj{
			"type":     "object",
			"required": []any{"ce-specversion", "ce-id", "ce-source", "ce-type"},
			"properties": obj{
				"ce-specversion":   obj{"type": "string", "const": "1.0"},
				"ce-id":            str("With the session and ce-source, the idempotency key of a command; deterministic on events."),
				"ce-source":        str("`/wabridge/<session>` on what the bridge emits; sources under /wabridge/ are refused on NATS commands."),
				"ce-type":          str("The CloudEvent type, the message's name."),
				"ce-subject":       str("The chat JID an event or result is about."),
				"ce-time":          obj{"type": "string", "format": "date-time", "description": "When WhatsApp says it happened."},
				"ce-wasession":     str("The session name."),
				"ce-expirytime":    obj{"type": "string", "format": "date-time", "description": "On durable commands: after it, the command ends with EXPIRED."},
				"ce-causationid":   str("On results: the command's ce-id."),
				"ce-correlationid": str("Carried over from the command to its result."),
				"ce-traceparent":   str("W3C trace context (CloudEvents distributed tracing): on a command, the trace its span continues; on its result, the command span's."),
				"ce-tracestate":    str("W3C tracestate, with ce-traceparent."),
				"Content-Type":     str("The data's media type: application/json."),
			},
		},
	}
}
