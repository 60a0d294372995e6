package httpapi

// libraryRoutes are the API routes of requirement libraries and compliance assessments (issue 5).
func libraryRoutes() []Route {
	return nil
}
