package warm

import (
	_ "github.com/ThreeDotsLabs/watermill/message"
	_ "github.com/ThreeDotsLabs/watermill-nats/v2/pkg/nats"
	_ "github.com/cloudevents/sdk-go/v2/event"
	_ "github.com/gin-gonic/gin"
	_ "github.com/nats-io/nats-server/v2/server"
	_ "github.com/nats-io/nats.go/jetstream"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "github.com/skip2/go-qrcode"
	_ "go.etcd.io/bbolt"
	_ "go.mau.fi/whatsmeow/store/sqlstore"
	_ "gopkg.in/yaml.v3"
	_ "modernc.org/sqlite"
	_ "github.com/google/uuid"
)
