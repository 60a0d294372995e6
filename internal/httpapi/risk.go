package httpapi

// riskRoutes are the API routes of security risk assessment and treatment (issue 4).
func riskRoutes() []Route {
	return nil
}
