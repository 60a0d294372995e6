package web

import "net/http"

// peopleRoutes registers the pages of the people register (issue 3).
func (s *server) peopleRoutes(mux *http.ServeMux) {}
