package transport

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/wabridge/wabridge/commands"
)

// auditedRejection reports whether the rejection of input for command name
// that never became a command goes to the audit trail: only for an effect
// of the catalog. Queries are never audited, and an unknown name's result
// subject would be one the sender made up.
func auditedRejection(name string) bool {
	spec, ok := commands.Lookup(name)
	return ok && !spec.IsQuery()
}

// rejectionID is the result id of the durable message at seq on subject,
// the same for each of its deliveries.
func rejectionID(subject string, seq uint64) string {
	sum := sha256.Sum256([]byte("wabridge.rejection\x00" + subject + "\x00" + strconv.FormatUint(seq, 10)))
	return hex.EncodeToString(sum[:16])
}
