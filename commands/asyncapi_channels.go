package commands

import (
	"fmt"
	"strings"
	"time"

	"github.com/wabridge/wabridge/events"
	"github.com/wabridge/wabridge/internal/ident"
)

// The addresses of CONTRACT §4, with the default prefix.
const (
	addressPrefix = "wa.{session}."
	rpcQueueGroup = "wabridge"
	natsBinding   = "0.1.0"
)

// isQuery reports whether a command only asks (CONTRACT §6): its result is
// answered, not kept or audited, so it has no result channel.
func isQuery(s Spec) bool { return s.Kind == Query }

// addCommand adds the channels, operations and messages of one command: its
// durable and rpc channels (the bridge receives), the rpc reply, and for an
// effect its result channel (the bridge sends).
func (b *asyncBuilder) addCommand(s Spec) error {
	key, schema, err := b.embed.command(s.Schema)
	if err != nil {
		return err
	}
	id := camelID(s.Name)
	cmdMsg, resultMsg := id+"Command", id+"Result"
	err = put(b.messages, "message", cmdMsg, obj{
		"name": TypeOf(s.Name), "title": s.Name, "summary": summaryOf(schema, s.Name),
		"contentType": "application/json",
		"payload":     ref(componentSchemas + key),
		"traits":      []any{ref("#/components/messageTraits/cloudEvent")},
	})
	if err != nil {
		return err
	}
	err = put(b.messages, "message", resultMsg, obj{
		"name": ResultTypeOf(s.Name), "title": s.Name + " result",
		"summary":       "The result of " + s.Name + " (CONTRACT §5); ce-causationid is the command's ce-id.",
		"contentType":   "application/json",
		"payload":       ref(componentSchemas + "Envelope"),
		"correlationId": obj{"location": "$message.header#/ce-causationid"},
		"traits":        []any{ref("#/components/messageTraits/cloudEvent")},
	})
	if err != nil {
		return err
	}
	cmdRef := obj{"command": ref("#/components/messages/" + cmdMsg)}
	resultRef := obj{"result": ref("#/components/messages/" + resultMsg)}
	session := obj{"session": ref("#/components/parameters/session")}
	durable := "Durable " + s.Name + " commands (stream WA_COMMANDS): executed at least once, effect once; the result follows on the result channel."
	if isQuery(s) {
		durable = "Durable " + s.Name + " commands (stream WA_COMMANDS). A query: its result is neither kept nor published on a result channel; ask over rpc for the answer."
	}
	chans := []struct {
		id      string
		channel obj
	}{
		{id + "Cmd", obj{"address": addressPrefix + "cmd." + s.Name, "parameters": session, "messages": cmdRef,
			"description": durable}},
		{id + "Rpc", obj{"address": addressPrefix + "rpc." + s.Name, "parameters": session, "messages": cmdRef,
			"description": "Synchronous " + s.Name + " requests (core NATS request-reply); the reply is the result CloudEvent."}},
		{id + "Reply", obj{"address": nil, "messages": resultRef,
			"description": "The reply inbox of an rpc request for " + s.Name + "."}},
	}
	if !isQuery(s) {
		chans = append(chans, struct {
			id      string
			channel obj
		}{id + "Result", obj{"address": addressPrefix + "result." + s.Name, "parameters": session, "messages": resultRef,
			"description": "The result of every " + s.Name + ", durable or rpc (stream WA_EVENTS, the audit trail)."}})
	}
	for _, c := range chans {
		if err := put(b.channels, "channel", c.id, c.channel); err != nil {
			return err
		}
	}
	return b.addCommandOperations(s, id, summaryOf(schema, s.Name))
}

func (b *asyncBuilder) addCommandOperations(s Spec, id, summary string) error {
	msgs := func(channel, msg string) []any {
		return []any{ref("#/channels/" + channel + "/messages/" + msg)}
	}
	ops := obj{
		id + "Cmd": obj{"action": "receive", "channel": ref("#/channels/" + id + "Cmd"), "messages": msgs(id+"Cmd", "command"),
			"title": "Take durable " + s.Name + " commands", "summary": summary},
		id + "Rpc": obj{"action": "receive", "channel": ref("#/channels/" + id + "Rpc"), "messages": msgs(id+"Rpc", "command"),
			"title":    "Answer " + s.Name + " requests",
			"reply":    obj{"channel": ref("#/channels/" + id + "Reply"), "messages": msgs(id+"Reply", "result")},
			"bindings": obj{"nats": obj{"queue": rpcQueueGroup, "bindingVersion": natsBinding}}},
	}
	if !isQuery(s) {
		ops[id+"Result"] = obj{"action": "send", "channel": ref("#/channels/" + id + "Result"), "messages": msgs(id+"Result", "result"),
			"title": "Publish " + s.Name + " results"}
	}
	for _, opID := range sortedKeys(ops) {
		if err := put(b.operations, "operation", opID, ops[opID].(obj)); err != nil {
			return err
		}
	}
	return nil
}

// addEvent adds the evt channel of one event type, its message (with the
// catalog's sample as example) and the operation publishing it.
func (b *asyncBuilder) addEvent(s events.Spec) error {
	key, err := b.embed.component(s.Schema)
	if err != nil {
		return err
	}
	id := camelID(s.Name()) + "Event"
	example, err := eventExample(s)
	if err != nil {
		return err
	}
	err = put(b.messages, "message", id, obj{
		"name": s.Type, "title": s.Name(), "summary": s.Summary, "description": s.Description,
		"contentType": "application/json",
		"payload":     ref(componentSchemas + key),
		"traits":      []any{ref("#/components/messageTraits/cloudEvent")},
		"examples":    []any{example},
	})
	if err != nil {
		return err
	}
	params := obj{"session": ref("#/components/parameters/session")}
	address := addressPrefix + "evt._." + s.Name()
	if s.Chat {
		params["chat"] = ref("#/components/parameters/chat")
		address = addressPrefix + "evt.{chat}." + s.Name()
	}
	err = put(b.channels, "channel", id, obj{
		"address": address, "parameters": params,
		"messages":    obj{"event": ref("#/components/messages/" + id)},
		"description": s.Type + " (stream WA_EVENTS, Nats-Msg-Id = CloudEvent id): " + s.Summary + ".",
	})
	if err != nil {
		return err
	}
	return put(b.operations, "operation", id, obj{
		"action": "send", "channel": ref("#/channels/" + id),
		"messages": []any{ref("#/channels/" + id + "/messages/event")},
		"title":    "Publish " + s.Name(), "summary": s.Summary,
	})
}

// eventExample is the catalog's sample as the bridge publishes it in binary
// mode: the attributes as headers, the data as payload.
func eventExample(s events.Spec) (obj, error) {
	ce, err := events.NewCloudEvent(s.SampleEvent())
	if err != nil {
		return nil, fmt.Errorf("building the sample of %s: %w", s.Type, err)
	}
	headers := obj{
		"ce-specversion": ce.SpecVersion(), "ce-id": ce.ID(), "ce-source": ce.Source(), "ce-type": ce.Type(),
		"ce-time": ce.Time().Format(time.RFC3339), "ce-wasession": ce.Extensions()[ident.ExtSession],
		"Content-Type": ce.DataContentType(),
	}
	if ce.Subject() != "" {
		headers["ce-subject"] = ce.Subject()
	}
	return obj{"name": "sample", "headers": headers, "payload": s.Sample}, nil
}

// camelID turns a catalog name into an AsyncAPI id, which may hold neither
// dots nor (for channels and operations) anything but letters, digits, '_'
// and '-': "app.login_with_code" → "appLoginWithCode".
func camelID(name string) string {
	var sb strings.Builder
	upper := false
	for _, r := range name {
		switch {
		case r == '.' || r == '_':
			upper = true
		case upper:
			sb.WriteString(strings.ToUpper(string(r)))
			upper = false
		default:
			sb.WriteRune(r)
		}
	}
	return sb.String()
}
