package service

import (
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
)

// TestSurveyResultsParallel: the analysis' workers return the error of the
// first failing task whatever the scheduling, and raise a task's panic
// again on the calling goroutine. (With one processor the tasks run in
// turn and stop at the first error.)
func TestSurveyResultsParallel(t *testing.T) {
	var runs atomic.Int64
	err := parallel(100, func(i int) error {
		runs.Add(1)
		if i == 40 || i == 70 {
			return fmt.Errorf("task %d", i)
		}
		return nil
	})
	if runs.Load() < 41 || err == nil || err.Error() != "task 40" {
		t.Errorf("%d runs, error %v", runs.Load(), err)
	}
	if err := parallel(0, func(int) error { return errors.New("never") }); err != nil {
		t.Errorf("no tasks: %v", err)
	}
	defer func() {
		if p := recover(); p != "task 7 panicked" {
			t.Errorf("panic %v", p)
		}
	}()
	_ = parallel(20, func(i int) error {
		if i == 7 {
			panic("task 7 panicked")
		}
		return nil
	})
	t.Error("no panic")
}
