// Handles, timers and the timer heap: call_soon, call_later, call_at
// (Lib/asyncio/base_events.py, events.py), with heapq's algorithm
// (Lib/heapq.py) so that timers due at the same `when` pop in the order
// CPython's heap gives them.
//
// Ties. On a real clock two reads of loop.time() never return the same
// value, so timers armed one after another with the same delay
// (call_later, which asyncio.sleep, wait_for and wait(timeout=) use) fire
// in the order they were armed; the virtual clock returns the same time to
// every read in an instant, so concsim keeps that order explicitly: a
// timer made by call_later carries its creation number and TimerHandle
// ordering compares (when, number). Timers made by call_at with the same
// `when` value tie as they do in CPython (number 0) and pop in heap order.
// tools/pydiff's harness applies the same rule to real asyncio.
#include <cmath>
#include <string>
#include <utility>

#include "models/loop/loop.h"
#include "models/loop/natives.h"
#include "models/vm/ops.h"

namespace concsim::models::loop {

using vm::Kind;
using vm::Value;

std::string HandleObj::repr(vm::Vm& vm) {
  // events.Handle._repr_info: class, cancelled, when, the callback.
  std::string out = "<" + vm::str_of(cls.as<vm::ClassObj>()->name);
  if (cancelled) out += " cancelled";
  if (is_timer) {
    std::string w = vm::float_repr(when);
    out += " when=" + w;
  }
  if (!callback.is_none() && !callback.is_unset()) out += " " + format_callback_source(vm, callback, args);
  return out + ">";
}

// ----------------------------------------------------------------- heap ----

bool Loop::timer_less(const Value& a, const Value& b) {
  const auto* x = a.as<HandleObj>();
  const auto* y = b.as<HandleObj>();
  if (x->when != y->when) return x->when < y->when;
  return x->seq < y->seq;
}

// heapq._siftdown / _siftup, verbatim in their comparisons.
void Loop::heap_push(Value h) {
  scheduled_.push_back(std::move(h));
  std::size_t pos = scheduled_.size() - 1;
  Value item = std::move(scheduled_[pos]);
  while (pos > 0) {
    const std::size_t parent = (pos - 1) >> 1;
    if (timer_less(item, scheduled_[parent])) {
      scheduled_[pos] = std::move(scheduled_[parent]);
      pos = parent;
      continue;
    }
    break;
  }
  scheduled_[pos] = std::move(item);
}

namespace {

void siftdown(std::vector<Value>& heap, std::size_t startpos, std::size_t pos,
              bool (*less)(const Value&, const Value&)) {
  Value item = std::move(heap[pos]);
  while (pos > startpos) {
    const std::size_t parent = (pos - 1) >> 1;
    if (less(item, heap[parent])) {
      heap[pos] = std::move(heap[parent]);
      pos = parent;
      continue;
    }
    break;
  }
  heap[pos] = std::move(item);
}

void siftup(std::vector<Value>& heap, std::size_t pos, bool (*less)(const Value&, const Value&)) {
  const std::size_t endpos = heap.size();
  const std::size_t startpos = pos;
  Value item = std::move(heap[pos]);
  std::size_t child = 2 * pos + 1;
  while (child < endpos) {
    const std::size_t right = child + 1;
    if (right < endpos && !less(heap[child], heap[right])) child = right;
    heap[pos] = std::move(heap[child]);
    pos = child;
    child = 2 * pos + 1;
  }
  heap[pos] = std::move(item);
  siftdown(heap, startpos, pos, less);
}

}  // namespace

Value Loop::heap_pop() {
  Value last = std::move(scheduled_.back());
  scheduled_.pop_back();
  if (scheduled_.empty()) return last;
  Value top = std::move(scheduled_[0]);
  scheduled_[0] = std::move(last);
  siftup(scheduled_, 0, timer_less);
  return top;
}

void Loop::heapify() {
  const std::size_t n = scheduled_.size();
  for (std::size_t i = n / 2; i > 0; --i) siftup(scheduled_, i - 1, timer_less);
}

// ------------------------------------------------------------ scheduling ----

std::vector<Value> Loop::spare_vector() {
  if (spare_vectors_.empty()) return {};
  std::vector<Value> v = std::move(spare_vectors_.back());
  spare_vectors_.pop_back();
  return v;
}

void Loop::recycle(std::vector<Value>&& v) {
  // Small lists only, and a bounded number of them.
  constexpr std::size_t kMaxSpare = 256;
  if (v.capacity() == 0 || v.capacity() > 8 || spare_vectors_.size() >= kMaxSpare) return;
  v.clear();
  spare_vectors_.push_back(std::move(v));
}

Value Loop::call_soon(Value fn, std::vector<Value> args) {
  Value h = vm::make<HandleObj>(handle_class_, std::move(fn));
  auto* hd = h.as<HandleObj>();
  hd->args = std::move(args);
  hd->ready_at = sim_.now();
  ready_.push_back(h);
  stats_.max_ready = std::max<std::uint64_t>(stats_.max_ready, ready_.size());
  if (running_) {
    if (idle_) wake();
    if (!iterating_) schedule_iteration();
  }
  return h;
}

Value Loop::call_at(double when, std::int64_t when_ns, std::uint64_t seq, Value fn, std::vector<Value> args) {
  Value h = vm::make<HandleObj>(timer_handle_class_, std::move(fn));
  auto* hd = h.as<HandleObj>();
  hd->args = std::move(args);
  hd->is_timer = true;
  hd->when = when;
  hd->when_ns = when_ns;
  hd->seq = seq;
  hd->scheduled = true;
  heap_push(h);
  // A sleeping loop must wake earlier for a timer earlier than its deadline:
  // only a callback running on the loop (or a thread) can arm one, and the
  // loop then recomputes its timeout at its next select.
  return h;
}

Value Loop::call_later(double delay, Value fn, std::vector<Value> args) {
  return call_at(time() + delay, -1, ++timer_seq_, std::move(fn), std::move(args));
}

Value Loop::call_later_ns(std::int64_t delay_ns, Value fn, std::vector<Value> args) {
  const std::int64_t when_ns = sim_.now() + delay_ns;
  return call_at(static_cast<double>(when_ns) / 1e9, when_ns, ++timer_seq_, std::move(fn), std::move(args));
}

void Loop::timer_cancelled(HandleObj* h) {
  if (h->scheduled) ++timer_cancelled_count_;
}

Value Loop::io_future(sim::Duration d) {
  Value f = new_future();
  Value h = vm::make<HandleObj>(handle_class_, set_result_unless_cancelled_);
  h.as<HandleObj>()->args = args_of(f, Value::none());
  std::uint32_t slot;
  if (io_free_.empty()) {
    slot = static_cast<std::uint32_t>(io_pending_.size());
    io_pending_.push_back(std::move(h));
  } else {
    slot = io_free_.back();
    io_free_.pop_back();
    io_pending_[slot] = std::move(h);
  }
  sim_.schedule_in(d, *this, tag(Tag::kIo, slot));
  return f;
}

// ------------------------------------------------------------- natives ----

namespace {

HandleObj* handle(const vm::CallArgs& a) { return a.self.as<HandleObj>(); }

Value handle_cancel(vm::Vm& vm, vm::CallArgs& a) {
  HandleObj* h = handle(a);
  if (!h->cancelled) {
    if (h->is_timer) {
      Loop* loop = running_loop(vm);
      if (loop != nullptr) loop->timer_cancelled(h);
    }
    h->cancelled = true;
    h->callback = Value::none();
    h->args.clear();
  }
  return Value::none();
}

Value handle_cancelled(vm::Vm&, vm::CallArgs& a) { return Value::boolean(handle(a)->cancelled); }
Value handle_when(vm::Vm&, vm::CallArgs& a) { return Value::floating(handle(a)->when); }
Value handle_repr(vm::Vm& vm, vm::CallArgs& a) { return vm::make_str(handle(a)->repr(vm)); }

}  // namespace

void install_handle_methods(vm::Vm& vm, const Value& handle_cls, const Value& timer_cls) {
  vm.set_class_attr(handle_cls, "cancel", vm.make_builtin("cancel", handle_cancel, nullptr, true));
  vm.set_class_attr(handle_cls, "cancelled", vm.make_builtin("cancelled", handle_cancelled, nullptr, true));
  vm.set_class_attr(handle_cls, "__repr__", vm.make_builtin("__repr__", handle_repr, nullptr, true));
  vm.set_class_attr(timer_cls, "when", vm.make_builtin("when", handle_when, nullptr, true));
}

}  // namespace concsim::models::loop
