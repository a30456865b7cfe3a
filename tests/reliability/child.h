// Runs the concsim binary as a child process with resource limits, for the
// tests that feed it hostile input: an address-space limit (so that a run
// that tries to allocate gigabytes fails instead of taking the machine),
// stdin from /dev/null, and a wall-clock timeout after which the child is
// killed and the run counts as a hang.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/run/guard.h"

namespace concsim::testing {

struct ChildResult {
  int exit_code = -1;    // -1 unless the child exited
  int signal = 0;        // the signal that ended it, 0 if none
  bool timed_out = false;
  double seconds = 0;
  std::string out;
  std::string err;
};

// The binary under test: $CONCSIM_BIN, else build/app/concsim.
std::string concsim_bin();

// Runs concsim with `args`. `address_space` > 0 sets RLIMIT_AS in the child.
ChildResult run_child(const std::vector<std::string>& args, double timeout_seconds,
                      std::int64_t address_space);

// run::sanitized_build() (app/run/guard.h) tells whether RLIMIT_AS can be
// used: ASan reserves terabytes of address space.
using run::sanitized_build;

}  // namespace concsim::testing
