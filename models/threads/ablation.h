// Switching the thread model's mechanisms off one at a time (ablation), to
// show which part of a curve each one makes, and all at once (the control
// run of claim S2: the same workload with every scheduler and cache cost at
// zero). Each name zeroes the profile values of one mechanism:
//
//   switch   context_switch: the direct cost of a switch
//   pick     the pick's walk: pick_base, pick_per_thread, goodness
//   lock     runqueue_lock: picks no longer wait for each other (linux22)
//   cache    the cache model and fifo's refill formula
//   futex    futex_wait, futex_wake, pipe_read, pipe_write and the legacy
//            wakeup_latency
//   ipi      the cross-core wake-up
//   faults   page faults on new stacks
//   all      every one of the above
//   none     nothing (the reference run of an ablation sweep)
//
// Thread creation, system calls and the program's own cpu steps stay: they
// are the work, not the cost of sharing the cores among threads.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "models/machine.h"

namespace concsim::models {

// The names above, "none" first (it switches nothing off: the reference run
// of an ablation), "all" last.
const std::vector<std::string>& mechanism_names();
// Zeroes `mechanism` in `profile`; false if the name is unknown.
bool switch_off(MachineProfile& profile, std::string_view mechanism);

// A workload whose threads hand off through pipes rather than futexes
// (threads.handoff: pipe): a wait is a read() that sleeps in the pipe's wait
// queue and a wake a write(), the same sleep and wake-up as a futex's with
// other system calls around them, so the profile's pipe_read and pipe_write
// take the places of futex_wait and futex_wake.
void hand_off_through_pipes(MachineProfile& profile);

}  // namespace concsim::models
