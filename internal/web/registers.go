package web

import "net/http"

// registerRoutes registers the pages of the registers of clauses 4, 5, 6.2, 6.3 and 7 (issue 3).
func (s *server) registerRoutes(mux *http.ServeMux) {}
