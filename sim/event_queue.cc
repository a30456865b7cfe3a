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

int EventQueue::bucket_for(std::uint64_t time, std::uint64_t last) {
  return time == last ? 0 : 64 - std::countl_zero(time ^ last);
}

EventId EventQueue::push(Time time, Priority priority, EventHandler* handler,
                         std::uint64_t tag) {
  CONCSIM_CHECK(time >= 0 && static_cast<std::uint64_t>(time) >= last_,
                "an event may not be scheduled before the last event taken");
  CONCSIM_CHECK(next_seq_ <= QueuedEvent::kSeqMask, "event sequence space exhausted");
  const std::uint64_t seq = next_seq_++;
  QueuedEvent e{time, (static_cast<std::uint64_t>(priority) << 56) | seq, handler, tag};
  const int b = bucket_for(static_cast<std::uint64_t>(time), last_);
  if (b == 0) {
    push_front_heap(e);
  } else {
    buckets_[static_cast<std::size_t>(b)].push_back(e);
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

void EventQueue::push_front_heap(const QueuedEvent& e) {
  auto& h = buckets_[0];
  h.push_back(e);
  std::push_heap(h.begin(), h.end(), LaterFirst{});
}

QueuedEvent EventQueue::pop_front_heap() {
  auto& h = buckets_[0];
  std::pop_heap(h.begin(), h.end(), LaterFirst{});
  QueuedEvent e = h.back();
  h.pop_back();
  return e;
}

void EventQueue::refill() {
  std::size_t b = 1;
  while (buckets_[b].empty()) {
    ++b;
    CONCSIM_CHECK(b < kBuckets, "refill of an empty queue");
  }
  auto& src = buckets_[b];
  std::uint64_t min_time = static_cast<std::uint64_t>(src.front().time);
  for (const QueuedEvent& e : src) {
    min_time = std::min(min_time, static_cast<std::uint64_t>(e.time));
  }
  last_ = min_time;
  // Every entry of bucket b lands in a lower bucket under the new `last_`.
  std::vector<QueuedEvent> moving;
  moving.swap(src);
  for (const QueuedEvent& e : moving) {
    const int nb = bucket_for(static_cast<std::uint64_t>(e.time), last_);
    if (nb == 0) {
      buckets_[0].push_back(e);
    } else {
      buckets_[static_cast<std::size_t>(nb)].push_back(e);
    }
  }
  std::make_heap(buckets_[0].begin(), buckets_[0].end(), LaterFirst{});
  // Keep the drained vector's capacity for the next time this bucket fills.
  moving.clear();
  src.swap(moving);
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
  for (std::size_t b = 1; b < kBuckets; ++b) {
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
  const bool any = settle();
  CONCSIM_CHECK(any, "pop() on an empty queue");
  QueuedEvent e = pop_front_heap();
  --stored_;
  --live_;
  return e;
}

std::size_t EventQueue::memory_bytes() const {
  std::size_t bytes = 0;
  for (const auto& b : buckets_) bytes += b.capacity() * sizeof(QueuedEvent);
  // An unordered_set node is about a key, a next pointer and a cached hash.
  bytes += cancelled_.size() * (sizeof(std::uint64_t) + 2 * sizeof(void*)) +
           cancelled_.bucket_count() * sizeof(void*);
  return bytes;
}

}  // namespace concsim::sim
