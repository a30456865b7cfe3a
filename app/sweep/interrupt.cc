#include "app/sweep/interrupt.h"

#include <atomic>
#include <csignal>

namespace concsim::sweep {
namespace {

// Lock-free, so the handler may touch it (async-signal-safe).
std::atomic<int> g_signal{0};
static_assert(std::atomic<int>::is_always_lock_free);

extern "C" void on_interrupt(int sig) {
  int expected = 0;
  g_signal.compare_exchange_strong(expected, sig);
  // From now on either signal takes its default action and ends the
  // process at once (Ctrl-C, then a CI job's timeout, say): the user means
  // it, and the atomic point files keep whatever finished. signal() is
  // async-signal-safe.
  std::signal(SIGINT, SIG_DFL);
  std::signal(SIGTERM, SIG_DFL);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_interrupt;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

int interrupt_signal() { return g_signal.load(std::memory_order_relaxed); }

void reset_interrupt() { g_signal.store(0); }

}  // namespace concsim::sweep
