// Futures (asyncio.Future): created, set, cancelled and freed for reuse by
// generation; their done callbacks, each run on its own turn of the ready
// queue. get() is inline in event_loop.h: every callback calls it.
#include "models/loop/steps/event_loop.h"

#include "sim/check.h"

namespace concsim::models {

EventLoop::FutRef EventLoop::new_future(FutKind kind, std::uint32_t owner) {
  std::uint32_t index;
  if (!free_futures_.empty()) {
    index = free_futures_.back();
    free_futures_.pop_back();
  } else {
    index = static_cast<std::uint32_t>(futures_.size());
    CONCSIM_CHECK(index < 0xFFFFFFFF, "more than 4 billion futures pending at once");
    futures_.emplace_back();
  }
  Future& f = futures_[index];
  f.state = FutState::kPending;
  f.kind = kind;
  f.exception = false;
  f.live = true;
  f.owner = owner;
  f.set_value(Value::null());
  f.timer = sim::EventId{};
  clear_callbacks(index, f);
  return FutRef{index, f.gen};
}

void EventLoop::free_future(FutRef r) {
  Future* f = get(r);
  if (f == nullptr || f->kind == FutKind::kTask) return;
  if (f->timer.valid()) sim_.cancel(f->timer);
  f->timer = sim::EventId{};
  f->live = false;
  f->gen += 1;
  clear_callbacks(r.index, *f);
  free_futures_.push_back(r.index);
}

void EventLoop::add_done_callback(FutRef r, Callback cb) {
  Future* f = get(r);
  CONCSIM_CHECK(f != nullptr, "callback on a freed future");
  if (f->state != FutState::kPending) {
    call_soon(cb);
  } else {
    push_callback(r.index, *f, cb);
  }
}

void EventLoop::remove_done_callback(FutRef r, CbKind kind, std::uint32_t a) {
  Future* f = get(r);
  if (f == nullptr) return;
  for (const Callback& c : take_callbacks(r.index, *f)) {
    if (!(c.kind == kind && c.a == a)) push_callback(r.index, *f, c);
  }
}

void EventLoop::push_callback(std::uint32_t index, Future& f, const Callback& cb) {
  if (!f.has_first) {
    f.first_kind = static_cast<std::uint8_t>(cb.kind);
    f.first_a = cb.a;
    f.first_b = cb.b;
    f.first_gen = cb.gen;
    f.has_first = true;
    return;
  }
  f.has_more = true;
  more_callbacks_[index].push_back(cb);
}

void EventLoop::clear_callbacks(std::uint32_t index, Future& f) {
  f.has_first = false;
  if (f.has_more) {
    more_callbacks_.erase(index);
    f.has_more = false;
  }
}

std::vector<EventLoop::Callback> EventLoop::take_callbacks(std::uint32_t index, Future& f) {
  std::vector<Callback> out;
  if (f.has_first) out.push_back(f.first());
  if (f.has_more) {
    const std::vector<Callback>& more = more_callbacks_[index];
    out.insert(out.end(), more.begin(), more.end());
  }
  clear_callbacks(index, f);
  return out;
}

void EventLoop::schedule_callbacks(std::uint32_t index) {
  // The callbacks run in the order they were added, each on its own turn of
  // the ready queue (Future.__schedule_callbacks).
  Future& f = futures_[index];
  if (f.timer.valid()) {
    sim_.cancel(f.timer);  // the future's timeout handle, cancelled with it
    f.timer = sim::EventId{};
  }
  if (!f.has_first) return;
  const Callback head = f.first();
  std::vector<Callback> more;
  if (f.has_more) more.swap(more_callbacks_[index]);
  clear_callbacks(index, f);
  call_soon(head);
  for (const Callback& cb : more) call_soon(cb);
}

void EventLoop::set_result(FutRef r, Value v) {
  Future* f = get(r);
  CONCSIM_CHECK(f != nullptr && f->state == FutState::kPending, "set_result on a finished future");
  f->state = FutState::kDone;
  f->set_value(v);
  schedule_callbacks(r.index);
}

void EventLoop::set_exception(FutRef r, Value exc) {
  Future* f = get(r);
  CONCSIM_CHECK(f != nullptr && f->state == FutState::kPending, "set_exception on a finished future");
  f->state = FutState::kDone;
  f->exception = true;
  f->set_value(exc);
  schedule_callbacks(r.index);
}

bool EventLoop::cancel_future(FutRef r) {
  Future* f = get(r);
  if (f == nullptr || f->state != FutState::kPending) return false;
  if (f->kind == FutKind::kTask) return cancel_task(f->owner);
  if (f->kind == FutKind::kGather) return gather_cancel(f->owner);
  f->state = FutState::kCancelled;
  schedule_callbacks(r.index);
  return true;
}

Resume EventLoop::outcome_of(FutRef r) {
  Future* f = get(r);
  CONCSIM_CHECK(f != nullptr);
  if (f->state == FutState::kCancelled) return Resume::raise(exception("CancelledError", ""));
  if (f->exception) return Resume::raise(f->value());
  return Resume::with(f->value());
}

}  // namespace concsim::models
