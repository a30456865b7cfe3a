#include "sim/event_queue.h"

#include <algorithm>
#include <bit>

#include "sim/check.h"

namespace concsim::sim {
namespace {

// Heap order for bucket 0: every entry there has the same time, so the order
// field (priority, then sequence) decides.
struct LaterFirst {
  bool operator()(const QueuedEvent& a, const QueuedEvent& b) const { return a.order > b.order; }
};

}  // namespace

std::size_t EventQueue::bucket_for(std::uint64_t time, std::uint64_t last) {
  const std::uint64_t diff = time ^ last;
  if (diff == 0) return 0;
  const int level = (63 - std::countl_zero(diff)) / kDigitBits;
  const std::uint64_t digit = (time >> (level * kDigitBits)) & (kDigits - 1);
  return 1 + static_cast<std::size_t>(level) * kDigits + static_cast<std::size_t>(digit);
}

EventId EventQueue::push(Time time, Priority priority, EventHandler* handler,
                         std::uint64_t tag) {
  CONCSIM_CHECK(time >= 0 && static_cast<std::uint64_t>(time) >= last_,
                "an event may not be scheduled before the last event taken");
  CONCSIM_CHECK(next_seq_ <= QueuedEvent::kSeqMask, "event sequence space exhausted");
  const std::uint64_t seq = next_seq_++;
  const std::uint64_t order = (static_cast<std::uint64_t>(priority) << 56) | seq;
  const std::size_t b = bucket_for(static_cast<std::uint64_t>(time), last_);
  if (b == 0) {
    push_front_heap(time, order, handler, tag);
  } else {
    append(b, time, order, handler, tag);
  }
  ++stored_;
  ++live_;
  return EventId{seq, time};
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

void EventQueue::grow(std::vector<QueuedEvent>& v) {
  const std::size_t before = v.capacity();
  v.reserve(before < 8 ? 8 : 2 * before);
  capacity_ += v.capacity() - before;
}

void EventQueue::push_front_heap(Time time, std::uint64_t order, EventHandler* handler,
                                 std::uint64_t tag) {
  auto& h = buckets_[0];
  reserve_one(h);
  h.push_back(QueuedEvent{time, order, handler, tag});  // braces: clang 14 lacks P0960
  std::push_heap(h.begin(), h.end(), LaterFirst{});
}

// Inlined into pop(), where it runs for every event taken.
[[gnu::always_inline]] inline QueuedEvent EventQueue::pop_front_heap() {
  auto& h = buckets_[0];
  // Usually the front heap holds a single event; skip the heap machinery then.
  if (h.size() > 1) std::pop_heap(h.begin(), h.end(), LaterFirst{});
  QueuedEvent e = h.back();
  h.pop_back();
  return e;
}

// Inlined by hand-holding: GCC otherwise keeps it out of line because of the
// vector's growth path, and it runs for every event scheduled.
[[gnu::always_inline]] inline void EventQueue::append(std::size_t b, Time time,
                                                      std::uint64_t order, EventHandler* handler,
                                                      std::uint64_t tag) {
  bucket_min_[b] = std::min(bucket_min_[b], static_cast<std::uint64_t>(time));
  occupied_[b / 64] |= std::uint64_t{1} << (b % 64);
  auto& v = buckets_[b];
  reserve_one(v);
  v.push_back(QueuedEvent{time, order, handler, tag});
}

std::size_t EventQueue::lowest_bucket() const {
  for (std::size_t w = 0; w < kWords; ++w) {
    if (occupied_[w] != 0) return w * 64 + static_cast<std::size_t>(std::countr_zero(occupied_[w]));
  }
  CONCSIM_CHECK(false, "refill of an empty queue");
  return 0;
}

// Inlined for the same reason as append(); it runs once per refill.
[[gnu::always_inline]] inline void EventQueue::drained(std::size_t b) {
  bucket_min_[b] = UINT64_MAX;
  occupied_[b / 64] &= ~(std::uint64_t{1} << (b % 64));
  // Keep the buffer for the next time this bucket fills, unless the queue
  // already holds far more capacity than entries: buckets that once held a
  // burst (the initial fill, say) would otherwise keep their peak size for
  // the rest of the run. Buckets drained while the burst was still pending
  // are empty now, and are released by a sweep.
  if (capacity_ > 2 * stored_ + kSpareCapacity) [[unlikely]] {
    auto& v = buckets_[b];
    if (v.capacity() > kKeepCapacity) {
      capacity_ -= v.capacity();
      std::vector<QueuedEvent>().swap(v);
    }
    swept_capacity_ = std::min(swept_capacity_, capacity_);
    if (capacity_ > swept_capacity_ + kSpareCapacity) release_empty_buffers();
  }
}

void EventQueue::release_empty_buffers() {
  for (std::size_t b = 1; b < buckets_.size(); ++b) {
    auto& v = buckets_[b];
    if (v.empty() && v.capacity() > kKeepCapacity) {
      capacity_ -= v.capacity();
      std::vector<QueuedEvent>().swap(v);
    }
  }
  swept_capacity_ = capacity_;
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
      occupied_[nb / 64] |= std::uint64_t{1} << (nb % 64);
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
    if (stored_ == 0) return false;
    if (buckets_[0].empty()) refill();
    if (cancelled_.empty()) return true;
    const std::uint64_t seq = buckets_[0].front().seq();
    if (cancelled_.erase(seq) == 0) return true;
    pop_front_heap();
    --stored_;
  }
}

void EventQueue::drop_cancelled_front() {
  while (!buckets_[0].empty() && !cancelled_.empty() &&
         cancelled_.erase(buckets_[0].front().seq()) != 0) {
    pop_front_heap();
    --stored_;
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
  for (std::size_t b = 1; b < buckets_.size(); ++b) {
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
  CONCSIM_CHECK(false, "live events missing from the buckets");
  return 0;
}

QueuedEvent EventQueue::pop() {
  if (cancelled_.empty() && stored_ != 0) {
    // Nothing to drop: at most a refill stands between here and the event.
    if (buckets_[0].empty()) refill();
  } else {
    const bool any = settle();
    CONCSIM_CHECK(any, "pop() on an empty queue");
  }
  QueuedEvent e = pop_front_heap();
  --stored_;
  --live_;
  return e;
}

std::size_t EventQueue::memory_bytes() const {
  std::size_t bytes = capacity_ * sizeof(QueuedEvent) + sizeof(buckets_) + sizeof(bucket_min_) +
                      sizeof(occupied_);
  // An unordered_set node is about a key, a next pointer and a cached hash.
  bytes += cancelled_.size() * (sizeof(std::uint64_t) + 2 * sizeof(void*)) +
           cancelled_.bucket_count() * sizeof(void*);
  return bytes;
}

}  // namespace concsim::sim
