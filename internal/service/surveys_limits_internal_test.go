package service

// SetMaxSurveyCells lowers the cells cap for a test and returns the
// function that restores it.
func SetMaxSurveyCells(n int) (restore func()) {
	old := maxSurveyCells
	maxSurveyCells = n
	return func() { maxSurveyCells = old }
}
