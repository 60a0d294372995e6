package web

import "net/http"

// documentRoutes registers the pages of controlled documents (issue 3).
func (s *server) documentRoutes(mux *http.ServeMux) {}
