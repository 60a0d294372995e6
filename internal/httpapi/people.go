package httpapi

// peopleRoutes are the API routes of the people register (issue 3).
func peopleRoutes() []Route {
	return nil
}
