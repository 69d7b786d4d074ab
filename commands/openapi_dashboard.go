package commands

import "net/http"

// dashboardOperations are GET /dashboard (CONTRACT §11), the web page for
// people, and its embedded files. The files are public (a browser cannot
// send a bearer token when it loads a script); the page answers 401 without
// credentials, with itself as a browser's body so a token can be entered.
func dashboardOperations() []staticOperation {
	html := obj{"text/html": obj{"schema": obj{"type": "string"}}}
	return []staticOperation{
		{http.MethodGet, "/dashboard", obj{"operationId": "dashboard", "tags": []any{"meta"},
			"summary": "The dashboard: sessions and their state, QR login, live events, webhooks and their health.",
			"description": "An HTML page that reads this API with the visitor's credentials. Without credentials it answers 401 " +
				"(with the challenge, so browsers prompt for basic auth); a caller preferring text/html gets the page as that " +
				"answer's body, where a bearer token can be entered, others the error envelope.",
			"responses": withErrors(obj{"200": obj{"description": "The page.", "content": html}}, 401)}},
		{http.MethodGet, "/dashboard/{file}", obj{"operationId": "dashboard.file", "tags": []any{"meta"},
			"summary": "The dashboard's script and style sheet.", "security": []any{},
			"parameters": []any{obj{"name": "file", "in": "path", "required": true, "schema": obj{"type": "string"},
				"description": "One of the embedded files the page names (dashboard.js, dashboard.css); any other name is 404."}},
			"responses": withErrors(obj{"200": obj{"description": "The file, text/javascript or text/css.",
				"content": obj{"text/javascript": obj{"schema": obj{"type": "string"}}, "text/css": obj{"schema": obj{"type": "string"}}}}}, 404)}},
	}
}
