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
  f.callbacks.clear(callback_pool_);
  return FutRef{index, f.gen};
}

void EventLoop::free_future(FutRef r) {
  Future* f = get(r);
  if (f == nullptr || f->kind == FutKind::kTask) return;
  if (f->timer.valid()) sim_.cancel(f->timer);
  f->timer = sim::EventId{};
  f->live = false;
  f->gen += 1;
  f->callbacks.clear(callback_pool_);
  free_futures_.push_back(r.index);
}

void EventLoop::add_done_callback(FutRef r, Callback cb) {
  Future* f = get(r);
  CONCSIM_CHECK(f != nullptr, "callback on a freed future");
  if (f->state != FutState::kPending) {
    call_soon(cb);
  } else {
    f->callbacks.push_back(cb, callback_pool_);
  }
}

void EventLoop::remove_done_callback(FutRef r, CbKind kind, std::uint32_t a) {
  Future* f = get(r);
  if (f == nullptr) return;
  f->callbacks.remove_if([&](const Callback& c) { return c.kind == kind && c.a == a; }, callback_pool_);
}

void EventLoop::schedule_callbacks(Future& f) {
  // The callbacks run in the order they were added, each on its own turn of
  // the ready queue (Future.__schedule_callbacks).
  if (f.timer.valid()) {
    sim_.cancel(f.timer);  // the future's timeout handle, cancelled with it
    f.timer = sim::EventId{};
  }
  f.callbacks.drain([this](const Callback& cb) { call_soon(cb); }, callback_pool_);
}

void EventLoop::set_result(FutRef r, Value v) {
  Future* f = get(r);
  CONCSIM_CHECK(f != nullptr && f->state == FutState::kPending, "set_result on a finished future");
  f->state = FutState::kDone;
  f->set_value(v);
  schedule_callbacks(*f);
}

void EventLoop::set_exception(FutRef r, Value exc) {
  Future* f = get(r);
  CONCSIM_CHECK(f != nullptr && f->state == FutState::kPending, "set_exception on a finished future");
  f->state = FutState::kDone;
  f->exception = true;
  f->set_value(exc);
  schedule_callbacks(*f);
}

bool EventLoop::cancel_future(FutRef r) {
  Future* f = get(r);
  if (f == nullptr || f->state != FutState::kPending) return false;
  if (f->kind == FutKind::kTask) return cancel_task(f->owner);
  if (f->kind == FutKind::kGather) return gather_cancel(f->owner);
  f->state = FutState::kCancelled;
  schedule_callbacks(*f);
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
