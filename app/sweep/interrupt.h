// SIGINT and SIGTERM during a sweep: the first one stops the sweep cleanly
// (no further point starts, the running ones are cut short and not written,
// every finished point stays on disk for `--resume`); a second one ends the
// process at once, as the default action would.
#pragma once

namespace concsim::sweep {

// Installs the handlers for SIGINT and SIGTERM. Idempotent.
void install_interrupt_handlers();

// The signal that asked the sweep to stop, or 0.
int interrupt_signal();

// Clears the flag (tests run several sweeps in one process).
void reset_interrupt();

// Thrown by run_sweep when a signal stopped it; the finished points are on
// disk.
struct Interrupted {
  int signal = 0;
  unsigned long long finished = 0;  // points written by this invocation
  unsigned long long kept = 0;      // selected points with a result on disk (earlier runs' included)
  unsigned long long selected = 0;  // points of this sweep (or shard)
};

}  // namespace concsim::sweep
