package bridge

import "go.mau.fi/whatsmeow"

// Client is what a ClientFactory makes for a session: the union of the
// capability ports the session's operations use, each declared beside its
// user and each a subset of *whatsmeow.Client's method set with whatsmeow's
// signatures, so *whatsmeow.Client satisfies it unchanged.
//
// A new command adds its one method to the port of its file (or a new port
// here), the same method to UnsupportedClient, and its simulation to
// bridge/sandbox; the tests' fake and the sandbox embed UnsupportedClient,
// so they keep compiling and answer errors.ErrUnsupported until they
// implement it.
type Client interface {
	connector          // session.go
	loginClient        // login.go
	messageSender      // send.go
	eventSource        // handler.go
	appStateSender     // chat_state.go
	readMarker         // read.go
	groupInfoGetter    // revoke.go
	presenceSender     // presence.go
	presenceSubscriber // presence_subscribe.go
	callRejecter       // handle_call.go
	pollClient         // poll.go
	groupClient        // group.go
	userClient         // user.go
	mediaUploader      // media_upload.go
	mediaDownloader    // media_download.go
}

var _ Client = (*whatsmeow.Client)(nil)
