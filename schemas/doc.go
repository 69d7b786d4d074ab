// Package schemas holds the JSON Schemas (draft 2020-12) of every command's
// and event's data, embedded in the binary, and validates documents against
// them at run time. Users read the same files (served by the REST adapter),
// so what the bridge enforces is what it documents.
//
// It imports no package of the project.
package schemas
