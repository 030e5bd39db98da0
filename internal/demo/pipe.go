package demo

import "errors"

// writePipe runs database writes on a goroutine of their own, in the order
// they are sent, so that the next batch of rows is generated (texts
// composed, Markdown rendered, events invented) on one core while SQLite
// stores the previous batch on the other. Profiles of the district seed put
// a third of its CPU in generating rows and most of the rest in SQLite,
// one after the other on a two-core machine. The channel is small, so the
// generator runs at most a few batches ahead and memory stays bounded.
//
// While a pipe is open its goroutine is the only user of the transaction:
// the sender must not touch the store until wait returns.
type writePipe struct {
	jobs chan func() error
	done chan error
	err  error // the first failure, once wait or send has seen it
}

// pipeDepth is how many batches may wait for the writer.
const pipeDepth = 3

func newWritePipe() *writePipe {
	jobs, done := make(chan func() error, pipeDepth), make(chan error, 1)
	go func() {
		var err error
		for job := range jobs {
			if err == nil { // after a failure the rest are dropped
				err = job()
			}
		}
		done <- err
	}()
	return &writePipe{jobs: jobs, done: done}
}

// send queues a write. It fails only when the pipe has been closed by an
// earlier wait; a write that fails is reported by wait.
func (p *writePipe) send(job func() error) error {
	if p.jobs == nil {
		if p.err != nil {
			return p.err
		}
		return errors.New("demo: write sent after the pipe was closed")
	}
	p.jobs <- job
	return nil
}

// wait lets the queued writes finish and returns the first error.
func (p *writePipe) wait() error {
	if p.jobs != nil {
		close(p.jobs)
		p.jobs = nil
		p.err = <-p.done
	}
	return p.err
}
