// Command bench measures a running wabridge against raw baselines taken in
// the same run on the same machine, and prints how many times slower the
// bridge is than the floor it is built on:
//
//	go run ./bench [-n N] [-c concurrency] [-duration D] [-out FILE]
//
// wabridge runs as its own process (the real binary, built by the harness,
// in sandbox mode); the baselines (core NATS request-reply, JetStream
// publish, a bare Gin handler) run inside this process on a separate
// embedded nats-server. Every client talks to 127.0.0.1 over TCP, so both
// sides pay for the same sockets. Absolute figures depend on the machine;
// only ratios from one run are meant to be compared.
//
// It may import anything in the module; nothing imports it.
package main
