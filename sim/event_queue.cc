#include "sim/event_queue.h"

#include <algorithm>
#include <bit>
#include <cstdlib>

#include "sim/check.h"

namespace concsim::sim {
namespace {

// Heap order for bucket 0: every entry there has the same time, so the order
// field (priority, then sequence) decides.
struct LaterFirst {
  bool operator()(const QueuedEvent& a, const QueuedEvent& b) const { return a.order > b.order; }
};

}  // namespace

void EventQueue::push_failed(Time time) const {
  CONCSIM_CHECK(time >= 0 && static_cast<std::uint64_t>(time) >= last_,
                "an event may not be scheduled before the last event taken");
  CONCSIM_CHECK(next_seq_ <= QueuedEvent::kSeqMask, "event sequence space exhausted");
  CONCSIM_CHECK(false, "push_failed() without a failed check");
  std::abort();
}

bool EventQueue::cancel(EventId id) {
  CONCSIM_CHECK(id.valid() && id.seq < next_seq_, "cancel of an event never scheduled");
  // An event that has left the queue did not run (the contract), so it was
  // cancelled and then dropped. Everything that left has a time <= last_, and
  // whatever is still stored at exactly last_ sits in bucket 0.
  const auto t = static_cast<std::uint64_t>(id.time);
  if (t < last_) return false;
  if (t == last_ && std::none_of(buckets_[0].begin(), buckets_[0].end(),
                                 [&](const QueuedEvent& e) { return e.seq() == id.seq; })) {
    return false;
  }
  if (!cancelled_.insert(id.seq).second) return false;
  CONCSIM_CHECK(live_ > 0);
  --live_;
  return true;
}

std::size_t EventQueue::size_class(std::size_t capacity) {
  return static_cast<std::size_t>(std::bit_width(capacity)) - 1;
}

void EventQueue::grow(std::vector<QueuedEvent>& v) {
  const std::size_t before = v.capacity();
  const std::size_t need = before < kKeepCapacity ? kKeepCapacity : 2 * before;
  std::vector<QueuedEvent> bigger;
  // A spare from the pool, the most recently retired of the largest size
  // class that fits at most kPoolReach classes above what is needed: the
  // larger spare spares the bucket a copy at its next growth while one is
  // at hand, and the reach keeps a bucket growing past a few entries from
  // taking a buffer sized for a burst. (Two classes of reach held about 6%
  // more memory at 1,000,000 pending; see tools/bench/NOTES-kernel.md.)
  if (before >= kKeepCapacity && pool_capacity_ != 0) {
    const std::size_t c = size_class(need);
    for (std::size_t k = std::min(c + kPoolReach, pool_.size() - 1) + 1; k-- > c;) {
      auto& spares = pool_[k];
      if (!spares.empty() && spares.back().capacity() >= need) {
        bigger.swap(spares.back());
        spares.pop_back();
        pool_capacity_ -= bigger.capacity();
        break;
      }
    }
  }
  if (bigger.capacity() == 0) {
    bigger.reserve(need);
    capacity_ += bigger.capacity();
  }
  bigger.insert(bigger.end(), v.begin(), v.end());
  v.swap(bigger);
  // `bigger` now holds the old buffer: a small one is freed, a larger one
  // joins the pool.
  bigger.clear();
  if (bigger.capacity() > kKeepCapacity) {
    to_pool(bigger);
  } else {
    capacity_ -= bigger.capacity();
  }
}

void EventQueue::append_growing(std::vector<QueuedEvent>& v, Time time, std::uint64_t order,
                                EventHandler* handler, std::uint64_t tag) {
  grow(v);
  v.push_back(QueuedEvent{time, order, handler, tag});  // braces: clang 14 lacks P0960
}

void EventQueue::to_pool(std::vector<QueuedEvent>& buffer) {
  pool_capacity_ += buffer.capacity();
  auto& spares = pool_[size_class(buffer.capacity())];
  spares.emplace_back();
  spares.back().swap(buffer);
  trim_pool();
}

void EventQueue::retire(std::size_t b) { to_pool(buckets_[b]); }

void EventQueue::trim_pool() {
  // The largest spares go first.
  const std::size_t bound = stored() / 4 + kSpareCapacity;
  for (std::size_t k = pool_.size(); k-- > 0 && pool_capacity_ > bound;) {
    auto& spares = pool_[k];
    while (!spares.empty() && pool_capacity_ > bound) {
      pool_capacity_ -= spares.back().capacity();
      capacity_ -= spares.back().capacity();
      spares.pop_back();
    }
  }
}

void EventQueue::push_front_heap(Time time, std::uint64_t order, EventHandler* handler,
                                 std::uint64_t tag) {
  auto& h = buckets_[0];
  reserve_one(h);
  h.push_back(QueuedEvent{time, order, handler, tag});  // braces: clang 14 lacks P0960
  std::push_heap(h.begin(), h.end(), LaterFirst{});
}

// Drops the front of bucket 0 (a cancelled event): pop() takes events
// itself, field by field.
void EventQueue::drop_front() {
  auto& h = buckets_[0];
  // Usually the front heap holds a single event; skip the heap machinery then.
  if (h.size() > 1) std::pop_heap(h.begin(), h.end(), LaterFirst{});
  h.pop_back();
}

void EventQueue::spread(std::size_t b) {
  auto& src = buckets_[b];
  // A local copy: the compiler cannot tell that the appends below leave the
  // member alone, and would reload it for every entry.
  const std::uint64_t last = last_;
  // Every entry of bucket b lands in a lower bucket under the new last_, so
  // appending to those while reading `src` leaves `src` untouched.
  for (const QueuedEvent& e : src) {
    const auto t = static_cast<std::uint64_t>(e.time);
    const std::size_t nb = bucket_for(t, last);
    if (nb == 0) {
      auto& front = buckets_[0];
      reserve_one(front);
      front.push_back(e);
    } else {
      bucket_min_[nb] = std::min(bucket_min_[nb], t);
      mark(nb);
      auto& dst = buckets_[nb];
      reserve_one(dst);
      // A plain copy: the source was written long before.
      dst.push_back(e);
    }
  }
  src.clear();
  if (buckets_[0].size() > 1) std::make_heap(buckets_[0].begin(), buckets_[0].end(), LaterFirst{});
}

void EventQueue::refill() {
  const std::size_t b = lowest_bucket();
  last_ = bucket_min_[b];
  auto& src = buckets_[b];
  if (src.size() == 1) {
    // The common case up to thousands of pending events: the lowest bucket
    // holds one event, which becomes the front heap as it is. Kept apart
    // from spread(), whose loop needs registers this path does not.
    buckets_[0].swap(src);
  } else {
    spread(b);
  }
  drained(b);
}

bool EventQueue::settle() {
  for (;;) {
    if (stored() == 0) return false;
    if (buckets_[0].empty()) refill();
    if (cancelled_.empty()) return true;
    const std::uint64_t seq = buckets_[0].front().seq();
    if (cancelled_.erase(seq) == 0) return true;
    drop_front();
  }
}

void EventQueue::drop_cancelled_front() {
  while (!buckets_[0].empty() && !cancelled_.empty() &&
         cancelled_.erase(buckets_[0].front().seq()) != 0) {
    drop_front();
  }
}

Time EventQueue::next_time() {
  CONCSIM_CHECK(live_ > 0, "next_time() on an empty queue");
  // No refill here: it would move last_ to the peeked time and forbid
  // scheduling anything before it.
  drop_cancelled_front();
  if (!buckets_[0].empty()) return buckets_[0].front().time;
  // Every time in a lower bucket is below every time in a higher one, so the
  // earliest live event is the minimum of the lowest bucket holding one.
  // Only occupied buckets, in increasing order, from the bitmap.
  for (std::size_t w = 0; w < kWords; ++w) {
    for (std::uint64_t bits = occupied_[w]; bits != 0; bits &= bits - 1) {
      const std::size_t b = w * 64 + static_cast<std::size_t>(std::countr_zero(bits));
      bool found = false;
      std::uint64_t earliest = 0;
      for (const QueuedEvent& e : buckets_[b]) {
        if (!cancelled_.empty() && cancelled_.contains(e.seq())) continue;
        const auto t = static_cast<std::uint64_t>(e.time);
        if (!found || t < earliest) earliest = t;
        found = true;
      }
      if (found) return static_cast<Time>(earliest);
    }
  }
  CONCSIM_CHECK(false, "live events missing from the buckets");
  return 0;
}

void EventQueue::ready_front() {
  auto& h = buckets_[0];
  if (cancelled_.empty() && live_ != 0) {
    // Nothing to drop: at most a refill stands between here and the event.
    if (h.empty()) refill();
  } else {
    const bool any = settle();
    CONCSIM_CHECK(any, "pop() on an empty queue");
  }
  if (h.size() > 1) std::pop_heap(h.begin(), h.end(), LaterFirst{});
}

std::size_t EventQueue::memory_bytes() const {
  std::size_t bytes = capacity_ * sizeof(QueuedEvent) + sizeof(buckets_) + sizeof(bucket_min_) +
                      sizeof(occupied_) + sizeof(pool_);
  for (const auto& spares : pool_) bytes += spares.capacity() * sizeof(spares[0]);
  // An unordered_set node is about a key, a next pointer and a cached hash.
  bytes += cancelled_.size() * (sizeof(std::uint64_t) + 2 * sizeof(void*)) +
           cancelled_.bucket_count() * sizeof(void*);
  return bytes;
}

}  // namespace concsim::sim
