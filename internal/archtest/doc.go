// Package archtest holds the architecture test: it reads the module's import
// graph with `go list` and keeps DESIGN.md's import table true (only bridge
// and bridge/sandbox import whatsmeow; events carries no NATS; commands does
// not reach the REST adapter, nor the adapter the bridge; internal packages
// import only internal packages). It has no code besides its test.
package archtest
