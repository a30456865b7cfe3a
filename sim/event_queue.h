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
// reports/performance.md). Drained buckets give their buffers back once the
// queue holds much more capacity than events, so a burst does not stay
// allocated for the rest of the run.
//
// Cancellation is lazy: a cancelled event stays in its bucket and is dropped
// when it reaches the front. Contract: cancel only events that have not run
// yet; models clear their handle when the event fires. Cancelling an event
// again, even after it was dropped, returns false.
//
// next_time() only looks: `last_` stays the time of the last event taken, so
// an event may still be scheduled between that and the peeked time.
#pragma once

#include <array>
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
  EventId push(Time time, Priority priority, EventHandler* handler, std::uint64_t tag);

  // Cancels a pending event. Returns false if it was already cancelled
  // (whether or not the queue has dropped it since).
  bool cancel(EventId id);

  [[nodiscard]] bool empty() const { return live_ == 0; }
  [[nodiscard]] std::size_t size() const { return live_; }

  // The time of the next event. Requires !empty().
  Time next_time();

  // Removes and returns the next event. Requires !empty().
  QueuedEvent pop();

  // The time of the last event taken (0 before any).
  [[nodiscard]] Time last_time() const { return static_cast<Time>(last_); }

  // Bytes held by the queue's buffers, for the simulator's own memory account.
  [[nodiscard]] std::size_t memory_bytes() const;

 private:
  // Buckets are keyed by the highest digit of kDigitBits bits in which a time
  // differs from last_ (its level) and by the value of that digit. Bucket 0
  // holds the times equal to last_; bucket 1 + level * kDigits + digit the
  // others. Bucket numbers increase with the times they hold.
  static constexpr int kDigitBits = 4;
  static constexpr int kDigits = 1 << kDigitBits;
  // Times are non-negative, so they differ from last_ in bits 0..62 at most.
  static constexpr int kLevels = (63 + kDigitBits - 1) / kDigitBits;
  static constexpr int kBuckets = 1 + kLevels * kDigits;
  static constexpr int kWords = (kBuckets + 63) / 64;
  // A drained bucket keeps up to this many entries of capacity whatever the
  // queue holds in total, and the queue as a whole keeps this many spare.
  static constexpr std::size_t kKeepCapacity = 64;
  static constexpr std::size_t kSpareCapacity = 4096;

  static std::size_t bucket_for(std::uint64_t time, std::uint64_t last);
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
  QueuedEvent pop_front_heap();
  // Appends to bucket b >= 1, keeping its minimum and occupancy bit.
  void append(std::size_t b, Time time, std::uint64_t order, EventHandler* handler,
              std::uint64_t tag);
  // The lowest non-empty bucket above 0. Requires one.
  [[nodiscard]] std::size_t lowest_bucket() const;
  // Marks bucket b empty and, if the queue holds far more capacity than
  // entries, releases its buffer and perhaps those of other empty buckets.
  void drained(std::size_t b);
  // Releases the buffers of all empty buckets above kKeepCapacity.
  void release_empty_buffers();
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
  std::uint64_t last_ = 0;       // time of the last event taken, as unsigned
  std::uint64_t next_seq_ = 1;   // sequence counter; 0 is reserved for "none"
  std::size_t stored_ = 0;       // entries in buckets, cancelled ones included
  std::size_t live_ = 0;         // entries not cancelled
  std::size_t capacity_ = 0;     // entries' worth of capacity in all buckets
  // capacity_ after the last release_empty_buffers(), lowered by later
  // releases: another sweep waits until kSpareCapacity more is allocated,
  // so sweeps cannot repeat while non-empty buckets hold the excess.
  std::size_t swept_capacity_ = 0;
  std::unordered_set<std::uint64_t> cancelled_;
};

}  // namespace concsim::sim
