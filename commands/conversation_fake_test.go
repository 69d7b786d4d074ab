package commands_test

import (
	"context"
	"fmt"
	"strings"

	"github.com/wabridge/wabridge/bridge"
)

// The conversation sends record their request in Calls, one line each.

func (f *fakeSession) SendLocation(_ context.Context, req bridge.SendLocationRequest) (bridge.SendResult, error) {
	err := f.record(fmt.Sprintf("SendLocation %s %v %v %q %q %q", req.To, req.Latitude, req.Longitude, req.Name, req.Address, req.URL))
	return f.sentResult(req.To), err
}

func (f *fakeSession) SendContact(_ context.Context, req bridge.SendContactRequest) (bridge.SendResult, error) {
	err := f.record(fmt.Sprintf("SendContact %s %q %q %q %q", req.To, req.Name, req.Phone, req.Email, req.Org))
	return f.sentResult(req.To), err
}

func (f *fakeSession) SendPoll(_ context.Context, req bridge.SendPollRequest) (bridge.SendResult, error) {
	err := f.record(fmt.Sprintf("SendPoll %s %q [%s] %d", req.To, req.Question, strings.Join(req.Options, "|"), req.Selectable))
	return f.sentResult(req.To), err
}

func (f *fakeSession) sentResult(to string) bridge.SendResult {
	chat := to + "@s.whatsapp.net"
	return bridge.SendResult{MessageID: "true_" + chat + "_3EB0SENT", WAID: "3EB0SENT", Chat: chat, Timestamp: presenceTime}
}
