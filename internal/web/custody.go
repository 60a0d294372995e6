package web

import "net/http"

// custodyRoutes registers the pages of chain of custody and cargo security (issue 6).
func (s *server) custodyRoutes(mux *http.ServeMux) {}
