// Invariant checks: the second of concsim's three error channels.
//
// Bad input is rejected at the edges with a located message (exit code 2) and
// simulated failures are results; a broken invariant inside the program is a
// bug, so it aborts loudly with the condition, the place and a message.
#pragma once

#include <cstdio>
#include <cstdlib>

namespace concsim::detail {

[[noreturn]] inline void check_failed(const char* cond, const char* file, int line,
                                      const char* message) {
  std::fprintf(stderr, "concsim: internal check failed: %s at %s:%d%s%s\n", cond, file, line,
               message[0] != '\0' ? ": " : "", message);
  std::abort();
}

}  // namespace concsim::detail

// CONCSIM_CHECK(cond) or CONCSIM_CHECK(cond, "what was expected").
#define CONCSIM_CHECK(cond, ...)                                                        \
  do {                                                                                  \
    if (!(cond)) ::concsim::detail::check_failed(#cond, __FILE__, __LINE__, "" __VA_ARGS__); \
  } while (false)
