#include "tests/fuzz/memory_budget.h"

#include <malloc.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <new>

namespace concsim::fuzz {
namespace {

// Bytes live through operator new, by malloc_usable_size so that delete
// (which is not always told the size) subtracts what new added. Atomic:
// libFuzzer and the sanitizers allocate on threads of their own.
std::atomic<std::int64_t> live{0};
// 0: no budget; else the most `live` may reach.
std::atomic<std::int64_t> ceiling{0};

void* allocate(std::size_t n, std::size_t alignment) {
  const std::int64_t limit = ceiling.load(std::memory_order_relaxed);
  if (limit != 0 && live.load(std::memory_order_relaxed) + static_cast<std::int64_t>(n) > limit) {
    throw std::bad_alloc();
  }
  void* p = nullptr;
  if (alignment <= alignof(std::max_align_t)) {
    p = std::malloc(n == 0 ? 1 : n);
  } else if (::posix_memalign(&p, alignment, n == 0 ? alignment : n) != 0) {
    p = nullptr;
  }
  if (p == nullptr) throw std::bad_alloc();
  live.fetch_add(static_cast<std::int64_t>(::malloc_usable_size(p)), std::memory_order_relaxed);
  return p;
}

void release(void* p) noexcept {
  if (p == nullptr) return;
  live.fetch_sub(static_cast<std::int64_t>(::malloc_usable_size(p)), std::memory_order_relaxed);
  std::free(p);
}

}  // namespace

MemoryBudget::MemoryBudget(std::size_t bytes) {
  ceiling.store(live.load() + static_cast<std::int64_t>(bytes));
}

MemoryBudget::~MemoryBudget() { ceiling.store(0); }

}  // namespace concsim::fuzz

// Every replaceable form, so that no sanitizer runtime's own definition is
// linked in beside these.
void* operator new(std::size_t n) { return concsim::fuzz::allocate(n, 0); }
void* operator new[](std::size_t n) { return concsim::fuzz::allocate(n, 0); }
void* operator new(std::size_t n, std::align_val_t a) { return concsim::fuzz::allocate(n, static_cast<std::size_t>(a)); }
void* operator new[](std::size_t n, std::align_val_t a) {
  return concsim::fuzz::allocate(n, static_cast<std::size_t>(a));
}
void* operator new(std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return concsim::fuzz::allocate(n, 0);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, const std::nothrow_t&) noexcept {
  try {
    return concsim::fuzz::allocate(n, 0);
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new(std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return concsim::fuzz::allocate(n, static_cast<std::size_t>(a));
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void* operator new[](std::size_t n, std::align_val_t a, const std::nothrow_t&) noexcept {
  try {
    return concsim::fuzz::allocate(n, static_cast<std::size_t>(a));
  } catch (const std::bad_alloc&) {
    return nullptr;
  }
}
void operator delete(void* p) noexcept { concsim::fuzz::release(p); }
void operator delete[](void* p) noexcept { concsim::fuzz::release(p); }
void operator delete(void* p, std::size_t) noexcept { concsim::fuzz::release(p); }
void operator delete[](void* p, std::size_t) noexcept { concsim::fuzz::release(p); }
void operator delete(void* p, std::align_val_t) noexcept { concsim::fuzz::release(p); }
void operator delete[](void* p, std::align_val_t) noexcept { concsim::fuzz::release(p); }
void operator delete(void* p, std::size_t, std::align_val_t) noexcept { concsim::fuzz::release(p); }
void operator delete[](void* p, std::size_t, std::align_val_t) noexcept { concsim::fuzz::release(p); }
void operator delete(void* p, const std::nothrow_t&) noexcept { concsim::fuzz::release(p); }
void operator delete[](void* p, const std::nothrow_t&) noexcept { concsim::fuzz::release(p); }
void operator delete(void* p, std::align_val_t, const std::nothrow_t&) noexcept { concsim::fuzz::release(p); }
void operator delete[](void* p, std::align_val_t, const std::nothrow_t&) noexcept { concsim::fuzz::release(p); }
