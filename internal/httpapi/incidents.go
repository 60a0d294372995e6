package httpapi

// incidentRoutes are the API routes of security incidents (issue 7).
func incidentRoutes() []Route {
	return nil
}
