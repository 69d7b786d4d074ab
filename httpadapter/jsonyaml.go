package httpadapter

import "github.com/wabridge/wabridge/internal/jsonyaml"

// jsonToYAML converts the AsyncAPI document for /asyncapi.yaml, as the
// committed schemas/asyncapi.yaml is converted.
var jsonToYAML = jsonyaml.Convert
