#include "models/threads/ablation.h"

namespace concsim::models {

const std::vector<std::string>& mechanism_names() {
  static const std::vector<std::string> names = {"none",  "switch", "pick",   "lock", "cache",
                                                 "futex", "ipi",    "faults", "all"};
  return names;
}

bool switch_off(MachineProfile& p, std::string_view m) {
  if (m == "none") {
    // The reference: nothing switched off.
  } else if (m == "switch") {
    p.context_switch = 0;
  } else if (m == "pick") {
    p.pick_base = 0;
    p.pick_per_thread = 0;
    p.goodness = 0;
    p.cache.sched_bytes_per_task = 0;
  } else if (m == "lock") {
    p.runqueue_lock = false;
  } else if (m == "cache") {
    p.cache.private_bytes = 0;
    p.refill_per_thread = 0;
    p.refill_cap = 0;
  } else if (m == "futex") {
    p.futex_wait = 0;
    p.futex_wake = 0;
    p.pipe_read = 0;
    p.pipe_write = 0;
    p.wakeup_latency = 0;
  } else if (m == "ipi") {
    p.ipi = 0;
  } else if (m == "faults") {
    p.page_fault = 0;
  } else if (m == "all") {
    for (const std::string& each : mechanism_names()) {
      if (each != "all" && each != "none") switch_off(p, each);
    }
  } else {
    return false;
  }
  return true;
}

void hand_off_through_pipes(MachineProfile& p) {
  p.futex_wait = p.pipe_read;
  p.futex_wake = p.pipe_write;
}

}  // namespace concsim::models
