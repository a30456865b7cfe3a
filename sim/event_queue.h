// The pending-event set: one total order, written once.
//
// Events are taken in the order (time, priority, insertion sequence): the
// earliest time first; at equal times the smaller priority number; at equal
// time and priority, the one scheduled first. The sequence number comes from a
// counter, so ties are never broken by memory addresses.
//
// Implementation: a radix heap (Ahuja, Mehlhorn, Orlin, Tarjan 1990) keyed by
// time, which relies on the discrete-event invariant that nothing is scheduled
// before the last event taken. It works on digits of kDigitBits bits rather
// than single bits, so an event moves between buckets fewer times before it
// reaches the front: a bucket holds the events whose time first differs from
// `last_` in a given digit, with a given value of that digit; bucket 0 holds
// the events at exactly `last_`, kept as a binary heap on (priority,
// sequence). A performance trick: unlike a binary heap over all events,
// buckets are appended and drained sequentially, so the cost per event stays
// nearly flat from a thousand to a million pending events (see
// reports/performance.md and tools/bench/NOTES-kernel.md). Drained buckets
// hand large buffers to a bounded pool of spares that growing buckets reuse,
// so a steady queue does not allocate and a burst does not stay allocated
// for the rest of the run.
//
// Cancellation is lazy: a cancelled event stays in its bucket and is dropped
// when it reaches the front. Contract: cancel only events that have not run
// yet; models clear their handle when the event fires. Cancelling an event
// again, even after it was dropped, returns false.
//
// next_time() only looks: `last_` stays the time of the last event taken, so
// an event may still be scheduled between that and the peeked time.
#pragma once

#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "sim/time.h"

namespace concsim::sim {

// Smaller runs first among events at the same instant.
enum class Priority : std::uint8_t { kUrgent = 0, kNormal = 128, kLate = 255 };

// Receives an event. The tag is opaque to the kernel: models use it to say
// which of their entities or which kind of wake-up the event is for.
class EventHandler {
 public:
  virtual void on_event(std::uint64_t tag) = 0;

 protected:
  ~EventHandler() = default;
};

// Names one scheduled event; 0 is "none". The event's time lets cancel() tell
// an event that has left the queue from one still pending, without keeping
// the sequence number of every cancelled event for the rest of the run.
struct EventId {
  std::uint64_t seq = 0;
  Time time = 0;
  [[nodiscard]] bool valid() const { return seq != 0; }
};

struct QueuedEvent {
  Time time;
  std::uint64_t order;  // priority in the top 8 bits, sequence in the low 56
  EventHandler* handler;
  std::uint64_t tag;

  [[nodiscard]] std::uint64_t seq() const { return order & kSeqMask; }
  [[nodiscard]] Priority priority() const { return static_cast<Priority>(order >> 56); }
  static constexpr std::uint64_t kSeqMask = (std::uint64_t{1} << 56) - 1;
};

class EventQueue {
 public:
  EventQueue() = default;
  EventQueue(const EventQueue&) = delete;
  EventQueue& operator=(const EventQueue&) = delete;

  // Schedules an event. `time` must not be earlier than the last event taken.
  // Inline: it runs for every event scheduled, and most of it folds into the
  // caller; what rarely runs (a failed check, growing a bucket) is out of line.
  EventId push(Time time, Priority priority, EventHandler* handler, std::uint64_t tag) {
    if (time < 0 || static_cast<std::uint64_t>(time) < last_) [[unlikely]] push_failed(time);
    return push_unchecked_time(time, priority, handler, tag);
  }

  // Cancels a pending event. Returns false if it was already cancelled
  // (whether or not the queue has dropped it since).
  bool cancel(EventId id);

  [[nodiscard]] bool empty() const { return live_ == 0; }
  [[nodiscard]] std::size_t size() const { return live_; }

  // The time of the next event. Requires !empty().
  Time next_time();

  // Removes and returns the next event. Requires !empty().
  // Inline fast path for the common case with nothing cancelled: the front
  // heap holds the one next event, or it is empty and the lowest bucket holds
  // a single event, which is taken from there directly (it alone is at the new
  // last_). Everything else goes through ready_front(), which leaves the
  // next event at the back of the front heap. Every path copies the event
  // out of a buffer here, field by field: a slow path returning it by value
  // would pass it through memory, and then every path would store it to the
  // stack and load it back.
  QueuedEvent pop() {
    auto& h = buckets_[0];
    if (cancelled_.empty()) [[likely]] {
      if (h.size() == 1) return take_back(h);
      // With nothing cancelled, stored() == live_, so a non-empty queue with
      // an empty front has an occupied bucket; an empty one (a broken
      // precondition) has none and fails in ready_front().
      if (h.empty() && summary_ != 0) {
        const std::size_t b = lowest_bucket();
        auto& v = buckets_[b];
        // A large buffer goes to the pool once drained: refill() does that.
        // Here no call follows the copy, so the event stays in registers.
        if (v.size() == 1 && v.capacity() <= kKeepCapacity) {
          last_ = bucket_min_[b];
          unmark(b);
          return take_back(v);
        }
      }
    }
    ready_front();
    return take_back(h);
  }

  // The time of the last event taken (0 before any).
  [[nodiscard]] Time last_time() const { return static_cast<Time>(last_); }

  // Bytes held by the queue's buffers, for the simulator's own memory account.
  [[nodiscard]] std::size_t memory_bytes() const;

 private:
  // Simulation schedules through push_unchecked_time(): its own check that
  // nothing is scheduled before now already covers the queue's, since now is
  // always the time of the last event taken (both start at 0, and only
  // taking an event moves either).
  friend class Simulation;

  // push() without the time check: requires last_time() <= time. The
  // sequence space is still checked. Both rare paths (a new front event, a
  // full bucket) come last and need nothing afterwards but the returned id,
  // so callers that drop the id reach them by a tail call, and the common
  // path needs no callee-saved registers (no pushes and pops around it).
  EventId push_unchecked_time(Time time, Priority priority, EventHandler* handler,
                              std::uint64_t tag) {
    if (next_seq_ > QueuedEvent::kSeqMask) [[unlikely]] push_failed(time);
    const std::uint64_t seq = next_seq_++;
    const std::uint64_t order = (static_cast<std::uint64_t>(priority) << 56) | seq;
    ++live_;
    const auto t = static_cast<std::uint64_t>(time);
    const std::size_t b = bucket_for(t, last_);
    if (b == 0) {
      push_front_heap(time, order, handler, tag);
    } else {
      append(b, time, order, handler, tag);
    }
    return EventId{seq, time};
  }
  // Buckets are keyed by the highest digit of kDigitBits bits in which a time
  // differs from last_ (its level) and by the value of that digit. Bucket 0
  // holds the times equal to last_; bucket 1 + level * kDigits + digit the
  // others. Bucket numbers increase with the times they hold.
  // 8-bit digits: an event moves down at most 7 times, and in practice once
  // or twice (see tools/bench/NOTES-kernel.md for the measurements).
  static constexpr int kDigitBits = 8;
  static constexpr int kDigits = 1 << kDigitBits;
  // Times are non-negative, so they differ from last_ in bits 0..62 at most.
  static constexpr int kLevels = (63 + kDigitBits - 1) / kDigitBits;
  static constexpr int kBuckets = 1 + kLevels * kDigits;
  static constexpr int kWords = (kBuckets + 63) / 64;
  static_assert(kWords <= 64, "one summary word covers the occupancy words");
  // Buffers. A bucket's first buffer holds kKeepCapacity entries, and a
  // drained bucket keeps a buffer that small. Larger buffers of drained
  // buckets go to a pool of spares, from which growing buckets take them, so
  // a steady queue stops allocating once its buffers have the sizes it needs
  // (with many buckets, keeping each bucket's peak buffer held far more than
  // the queue's size; releasing them instead re-allocated on every refill).
  // The pool holds at most a quarter of the stored events' worth of entries
  // plus kSpareCapacity; beyond that the largest spares are freed, so a burst does
  // not stay allocated for the rest of the run.
  static constexpr std::size_t kKeepCapacity = 8;
  static constexpr std::size_t kSpareCapacity = 4096;
  // A growing bucket takes a spare at most this many size classes (factors
  // of two) larger than it needs, the largest it finds.
  static constexpr std::size_t kPoolReach = 1;

  static std::size_t bucket_for(std::uint64_t time, std::uint64_t last) {
    const std::uint64_t diff = time ^ last;
    if (diff == 0) return 0;
    // The highest differing bit, written as bsr gives it: GCC does not
    // always fold 63 - clz into it.
    const int level = (63 ^ __builtin_clzll(diff)) / kDigitBits;
    const std::uint64_t digit = (time >> (level * kDigitBits)) & (kDigits - 1);
    return 1 + static_cast<std::size_t>(level) * kDigits + static_cast<std::size_t>(digit);
  }
  // The failed check of push(), out of line.
  [[noreturn, gnu::cold]] void push_failed(Time time) const;
  // pop() when something was cancelled or the front needs a spread: drops
  // cancelled events, refills the front heap if needed and moves the next
  // event to its back. Fails if no event is left.
  void ready_front();
  // Removes the last entry of `v`, which is the next event, and returns it.
  QueuedEvent take_back(std::vector<QueuedEvent>& v) {
    const QueuedEvent& back = v.back();
    const QueuedEvent e{back.time, back.order, back.handler, back.tag};
    v.pop_back();
    --live_;
    return e;
  }
  // Marks bucket b >= 1 non-empty.
  void mark(std::size_t b) {
    occupied_[b / 64] |= std::uint64_t{1} << (b % 64);
    summary_ |= std::uint64_t{1} << (b / 64);
  }
  static constexpr std::array<std::uint64_t, kBuckets> all_max() {
    std::array<std::uint64_t, kBuckets> a{};
    a.fill(UINT64_MAX);
    return a;
  }
  // Makes room for one more entry in `v`, keeping capacity_ up to date.
  void reserve_one(std::vector<QueuedEvent>& v) {
    if (v.size() == v.capacity()) [[unlikely]] grow(v);
    // Telling the compiler that there is room now removes the vector's own
    // growth path from the append that follows, and with it the registers
    // and stack frame it needs on the hot path.
    if (v.size() == v.capacity()) __builtin_unreachable();
  }
  void grow(std::vector<QueuedEvent>& v);
  // The entry's fields travel separately: copying a QueuedEvent just built on
  // the stack goes through 16-byte loads of 8-byte stores, which stalls store
  // forwarding.
  void push_front_heap(Time time, std::uint64_t order, EventHandler* handler, std::uint64_t tag);
  // Drops the front event of bucket 0.
  void drop_front();
  // Appends to bucket b >= 1, keeping its minimum and occupancy bit.
  void append(std::size_t b, Time time, std::uint64_t order, EventHandler* handler,
              std::uint64_t tag) {
    bucket_min_[b] = std::min(bucket_min_[b], static_cast<std::uint64_t>(time));
    mark(b);
    auto& v = buckets_[b];
    // A full bucket is the last thing done, so this is a tail call.
    if (v.size() == v.capacity()) [[unlikely]] return append_growing(v, time, order, handler, tag);
    if (v.size() == v.capacity()) __builtin_unreachable();  // see reserve_one()
    v.push_back(QueuedEvent{time, order, handler, tag});  // braces: clang 14 lacks P0960
  }
  // append() to a full bucket: grows it first.
  void append_growing(std::vector<QueuedEvent>& v, Time time, std::uint64_t order,
                      EventHandler* handler, std::uint64_t tag);
  // Entries in buckets, cancelled ones included: the cancelled ones stay in
  // cancelled_ until dropped. Derived rather than counted, which would cost
  // a store per push and per pop.
  [[nodiscard]] std::size_t stored() const { return live_ + cancelled_.size(); }
  // The lowest non-empty bucket above 0: two bit scans. Requires one, so
  // neither word is zero: __builtin_ctzll skips the fix-up that
  // std::countr_zero needs for a zero word.
  [[nodiscard]] std::size_t lowest_bucket() const {
    const auto w = static_cast<unsigned>(__builtin_ctzll(summary_));
    return std::size_t{w} * 64 + static_cast<unsigned>(__builtin_ctzll(occupied_[w]));
  }
  // Marks bucket b empty and retires its buffer if it is a large one.
  void drained(std::size_t b) {
    unmark(b);
    if (buckets_[b].capacity() > kKeepCapacity) retire(b);
  }
  // Marks bucket b >= 1 empty.
  void unmark(std::size_t b) {
    bucket_min_[b] = UINT64_MAX;
    auto& word = occupied_[b / 64];
    word &= ~(std::uint64_t{1} << (b % 64));
    if (word == 0) summary_ &= ~(std::uint64_t{1} << (b / 64));
  }
  // Moves the (empty) buffer of bucket b to the pool.
  void retire(std::size_t b);
  // Moves an empty buffer to the pool, leaving `buffer` without one.
  void to_pool(std::vector<QueuedEvent>& buffer);
  static std::size_t size_class(std::size_t capacity);
  // Frees the largest spares while the pool holds more than its bound.
  void trim_pool();
  // Re-buckets the entries of bucket b under a new last_ (its minimum).
  void spread(std::size_t b);
  // Moves the earliest non-empty bucket into bucket 0. Requires some event.
  void refill();
  // Drops cancelled events from the front; returns false if none is left.
  bool settle();
  // Drops cancelled events from the front of bucket 0 only; never refills.
  void drop_cancelled_front();

  std::array<std::vector<QueuedEvent>, kBuckets> buckets_;
  // Per bucket, the smallest time in it (UINT64_MAX when empty), and an
  // occupancy bitmap: refill() finds the bucket and the new last_ without
  // scanning buckets or entries. Bucket 0 is never marked.
  std::array<std::uint64_t, kBuckets> bucket_min_ = all_max();
  std::array<std::uint64_t, kWords> occupied_{};
  std::uint64_t summary_ = 0;    // bit w set when occupied_[w] != 0
  std::uint64_t last_ = 0;       // time of the last event taken, as unsigned
  std::uint64_t next_seq_ = 1;   // sequence counter; 0 is reserved for "none"
  std::size_t live_ = 0;         // entries not cancelled
  std::size_t capacity_ = 0;     // entries' worth of capacity in buckets and pool
  // Empty spare buffers by size class (floor of log2 of the capacity).
  std::array<std::vector<std::vector<QueuedEvent>>, 64> pool_;
  std::size_t pool_capacity_ = 0;  // entries' worth of capacity in pool_
  std::unordered_set<std::uint64_t> cancelled_;
};

}  // namespace concsim::sim
