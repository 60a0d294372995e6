package web

import "net/http"

// riskRoutes registers the pages of security risk assessment and treatment (issue 4).
func (s *server) riskRoutes(mux *http.ServeMux) {}
