package commands

// loginPageCommand is the command whose REST GET answers browsers with an
// HTML page (the REST adapter's login page) instead of the JSON result.
const loginPageCommand = "app.login"

// withLoginPage adds the HTML alternative to app.login's answers: a caller
// whose Accept prefers text/html gets a page showing the QR code that
// reloads itself for the next one, or the error, with the same status.
func withLoginPage(responses obj) {
	ok := responses["200"].(obj)
	ok["description"] = "The login QR code: the JSON result, or for a caller preferring text/html (a browser) a page " +
		"showing the code and reloading itself before it expires. Errors are pages too for such a caller."
	ok["content"].(obj)["text/html"] = obj{"schema": obj{"type": "string"}}
}
