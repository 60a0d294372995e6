package httpapi

// documentRoutes are the API routes of controlled documents (issue 3).
func documentRoutes() []Route {
	return nil
}
