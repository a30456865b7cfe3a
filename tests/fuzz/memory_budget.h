// A memory budget for the run fuzz target, standing in for the address-space
// limit that `concsim run` sets (app/run/guard.h, limit_address_space).
//
// A fuzzer cannot use RLIMIT_AS: AddressSanitizer reserves terabytes of
// address space. So memory_budget.cc replaces the global operator new and
// delete of the binary it is linked into, and counts the bytes live; while a
// MemoryBudget is in scope, an allocation that would take the bytes
// allocated since it began past its limit throws std::bad_alloc, as an
// allocation past RLIMIT_AS does in the real program. Link memory_budget.cc
// only into test and fuzz binaries.
#pragma once

#include <cstddef>

namespace concsim::fuzz {

class MemoryBudget {
 public:
  explicit MemoryBudget(std::size_t bytes);
  MemoryBudget(const MemoryBudget&) = delete;
  MemoryBudget& operator=(const MemoryBudget&) = delete;
  ~MemoryBudget();
};

}  // namespace concsim::fuzz
