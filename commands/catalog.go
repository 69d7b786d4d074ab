package commands

import "net/http"

// Catalog is the table of every command. Transports (NATS subjects, REST
// routes) and the documentation derive from it. Adding a command is one
// line here plus its file, schema and tests.
func Catalog() []Spec {
	return []Spec{
		volatile(spec("app.login", http.MethodGet, "/app/login", handle(appLogin))),
		volatile(spec("app.login_with_code", http.MethodGet, "/app/login-with-code", handle(appLoginWithCode))),
		spec("app.logout", http.MethodPost, "/app/logout", handle(appLogout)),
		spec("app.reconnect", http.MethodPost, "/app/reconnect", handle(appReconnect)),
		volatile(spec("app.devices", http.MethodGet, "/app/devices", handle(appDevices))),
		spec("send.message", http.MethodPost, "/send/message", handle(sendMessage)),
	}
}

// Lookup returns the command called name.
func Lookup(name string) (Spec, bool) {
	for _, s := range Catalog() {
		if s.Name == name {
			return s, true
		}
	}
	return Spec{}, false
}

// spec fills in what follows from the name: the schema lives at
// commands/<name>.json.
func spec(name, method, path string, run runFunc) Spec {
	return Spec{Name: name, Method: method, Path: path, Schema: "commands/" + name + ".json", Run: run}
}

func volatile(s Spec) Spec {
	s.Volatile = true
	return s
}
