package sandbox

import (
	"errors"
	"fmt"
	"time"

	"go.mau.fi/libsignal/ecc"
	"go.mau.fi/whatsmeow"
	"go.mau.fi/whatsmeow/proto/waAdv"
	"go.mau.fi/whatsmeow/store"
	"go.mau.fi/whatsmeow/types"
	"go.mau.fi/whatsmeow/util/keys"
	"google.golang.org/protobuf/proto"
)

// signedAccount is the device identity a phone signs when it links a new
// companion: the account (phone) key signs the details and the companion's
// identity key, and the companion countersigns. The sandbox's phone has a
// fresh key per pairing; what matters is that the store receives a complete,
// verifiable identity, as whatsmeow's pairing leaves it.
func signedAccount(dev *store.Device) (*waAdv.ADVSignedDeviceIdentity, error) {
	if dev.IdentityKey == nil || dev.IdentityKey.Priv == nil {
		return nil, errors.New("device has no identity key")
	}
	details, err := proto.Marshal(&waAdv.ADVDeviceIdentity{
		RawID:     proto.Uint32(uint32(time.Now().Unix())),
		Timestamp: proto.Uint64(uint64(time.Now().Unix())),
		KeyIndex:  proto.Uint32(1),
	})
	if err != nil {
		return nil, fmt.Errorf("marshalling device identity details: %w", err)
	}
	phone := keys.NewKeyPair()
	accountSig := ecc.CalculateSignature(ecc.NewDjbECPrivateKey(*phone.Priv),
		concat(whatsmeow.AdvAccountSignaturePrefix, details, dev.IdentityKey.Pub[:]))
	deviceSig := ecc.CalculateSignature(ecc.NewDjbECPrivateKey(*dev.IdentityKey.Priv),
		concat(whatsmeow.AdvDeviceSignaturePrefix, details, dev.IdentityKey.Pub[:], phone.Pub[:]))
	return &waAdv.ADVSignedDeviceIdentity{
		Details:             details,
		AccountSignatureKey: phone.Pub[:],
		AccountSignature:    accountSig[:],
		DeviceSignature:     deviceSig[:],
	}, nil
}

func concat(parts ...[]byte) []byte {
	var out []byte
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func withDevice(jid types.JID, device uint16) types.JID {
	jid.Device = device
	return jid
}
