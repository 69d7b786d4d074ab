package commands

import (
	"fmt"
	"reflect"

	"github.com/wabridge/wabridge/internal/werr"
)

// Ports is every port a command of the catalog needs of a session: each
// command file declares its own small one, and this list embeds them all.
// No handler depends on it; it exists so that main can assert
//
//	var _ commands.Ports = (*bridge.Session)(nil)
//
// and a bridge method a command needs but nobody wrote is a compile error
// there, not an INTERNAL_ERROR at run time. TestPortsCoverCatalog keeps this
// list complete.
type Ports interface {
	Loginer
	CodeLoginer
	LogoutPort
	Reconnecter
	DeviceLister
	TextSender
	PresenceSender
	ChatPresenceSender
	LinkSender
	MediaSender
	LocationSender
	ContactSender
	PollSender
	Forwarder
	ReadMarker
	Reactor
	Editor
	Revoker
	ForMeDeleter
	ChatReader
	ChatArchiver
	ChatMuter
	ChatPinner
	GroupCreator
	GroupJoiner
	GroupInfoReader
	GroupLeaver
	ParticipantUpdater
	GroupPhotoSetter
	GroupRenamer
	GroupDescriber
	GroupAnnouncer
	GroupLocker
	InviteLinker
	GroupLister
	UserInformer
	AvatarGetter
	UserChecker
	BusinessProfiler
	ContactLister
	PrivacyReader
}

// port finds the interface X in the session of env. A session lacking it is
// a wiring bug of ours, not the caller's: INTERNAL_ERROR, with the missing
// port in the logged cause.
func port[X any](env Env) (X, error) {
	x, ok := env.Session.(X)
	if !ok {
		cause := fmt.Errorf("session %q (%T) does not implement commands.%s", env.SessionName, env.Session, reflect.TypeFor[X]().Name())
		return x, werr.Wrap(cause, werr.KindInternal, werr.CodeInternal, "internal error")
	}
	return x, nil
}
