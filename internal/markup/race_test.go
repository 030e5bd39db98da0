//go:build race

package markup

// raceEnabled: the race detector slows parsing several times over, which
// makes timing assertions meaningless.
const raceEnabled = true
