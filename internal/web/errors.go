package web

import (
	"net/http"

	"github.com/bulkhead-sms/bulkhead/internal/bulkhead"
)

// errorText names the catalog keys of an error page's heading and message.
type errorText struct {
	TitleKey string
	BodyKey  string
}

var (
	errorNotFound  = errorText{TitleKey: "error.not_found.title", BodyKey: "error.not_found.body"}
	errorForbidden = errorText{TitleKey: "error.forbidden.title", BodyKey: "error.forbidden.body"}
	errorCSRF      = errorText{TitleKey: "error.csrf.title", BodyKey: "error.csrf.body"}
	errorConflict  = errorText{TitleKey: "error.conflict.title", BodyKey: "error.conflict.body"}
	errorBadInput  = errorText{TitleKey: "error.bad_request.title", BodyKey: "error.bad_request.body"}
	errorTooMany   = errorText{TitleKey: "error.too_many.title", BodyKey: "error.too_many.body"}
	errorInternal  = errorText{TitleKey: "error.internal.title", BodyKey: "error.internal.body"}
)

// errorStatus is the one table from error codes to pages.
var errorStatus = map[string]struct {
	status int
	text   errorText
}{
	bulkhead.ENOTFOUND:  {http.StatusNotFound, errorNotFound},
	bulkhead.EFORBIDDEN: {http.StatusForbidden, errorForbidden},
	bulkhead.ECONFLICT:  {http.StatusConflict, errorConflict},
	bulkhead.EINVALID:   {http.StatusBadRequest, errorBadInput},
	bulkhead.ETOOMANY:   {http.StatusTooManyRequests, errorTooMany},
}

// errorPageData is the data of the error page.
type errorPageData struct {
	basePage
	Status  int
	Heading string
	Body    string
}

// fail answers a request whose handler returned err with the page for its
// code. Internal errors are logged with the request's logger and shown
// without detail, only with the request's reference.
func (s *server) fail(c *call, err error) {
	code := bulkhead.ErrorCode(err)
	if code == bulkhead.EUNAUTHORIZED {
		c.redirectToLogin()
		return
	}
	e, ok := errorStatus[code]
	if !ok {
		requestLog(c.r).Error("request failed", "err", err)
		s.errorPage(c, http.StatusInternalServerError, errorInternal)
		return
	}
	s.errorPage(c, e.status, e.text)
}

// errorPage renders the error page.
func (s *server) errorPage(c *call, status int, t errorText) {
	p := &errorPageData{basePage: c.base(t.TitleKey), Status: status, Heading: c.T(t.TitleKey), Body: c.T(t.BodyKey)}
	s.render(c.w, c.r, status, pageError, p)
}

// plainError renders an error page outside the page handlers (static files,
// cross-origin refusals), in the browser's language and without a session.
func (s *server) plainError(w http.ResponseWriter, r *http.Request, status int) {
	t := errorInternal
	switch status {
	case http.StatusNotFound:
		t = errorNotFound
	case http.StatusForbidden:
		t = errorForbidden
	}
	s.errorPage(s.newCall(w, r), status, t)
}

// notFound answers every path no route matches.
func (s *server) notFound(c *call) error {
	return bulkhead.NotFound("Page")
}
