// Timers and I/O waits: asyncio.sleep, an I/O of known length, and a server
// connection waiting for its client's next request. Each is a future set
// when a kernel timer fires.
#include "models/loop/steps/event_loop.h"

#include "sim/check.h"

namespace concsim::models {

bool EventLoop::handle_sleep_io(std::uint32_t task, Request& req, Resume* next) {
  using K = Request::Kind;
  switch (req.kind) {
    case K::kSleep:
    case K::kIo: {
      if (req.kind == K::kSleep && req.duration == 0) {
        // asyncio.sleep(0) yields without a future.
        yield_task(task);
        return false;
      }
      const FutRef f = new_future(FutKind::kPlain, task);
      futures_[f.index].timer = sim_.schedule_in(
          req.duration, *this, tag(req.kind == K::kSleep ? Tag::kTimer : Tag::kIo, f.index, f.gen));
      trace(task, [&] { return std::string(req.kind == K::kSleep ? "sleep " : "io ") + sim::format_duration(req.duration); });
      suspend(task, f, PendingOp::kFuture);
      return false;
    }
    case K::kArrive:
      // The connection waits for its client's next request: an I/O wait,
      // unless the server has stopped taking requests.
      {
        const sim::Time base = req.has_timeout ? req.value.bits : sim_.now();
        const sim::Duration wait = requests_.arriving(task, sim_.now(), base, req.duration);
        if (wait < 0) {
          *next = Resume::with(Value::boolean(true));
          return true;
        }
        req.duration = wait;
        req.has_timeout = false;
      }
      req.kind = K::kIo;
      return handle_sleep_io(task, req, next);
    case K::kRequestDone:
      requests_.done(task, sim_.now(), req.flag);
      *next = Resume::with(Value::null());
      return true;
    default:
      break;
  }
  CONCSIM_CHECK(false, "not a sleep or I/O request");
  return false;
}

// A sleep's timer or an I/O completion (or a wait's timeout): its future is
// set by a callback that the next iteration's poll (I/O) or timer phase
// moves to the ready queue.
void EventLoop::timer_fired(Tag kind, std::uint32_t index, std::uint32_t tag_gen) {
  // The tag holds the generation's low bits: the future's own is the whole.
  if (index >= futures_.size()) return;
  const std::uint32_t gen = futures_[index].gen;
  if ((gen & kTagGenMask) != tag_gen) return;
  Future* f = get(FutRef{index, gen});
  if (f == nullptr) return;
  f->timer = sim::EventId{};
  Callback cb{CbKind::kSetResult, index, 0, gen, sim_.now()};
  if (kind == Tag::kTimer) {
    fired_timers_.push_back(cb);
  } else {
    io_ready_.push_back(cb);
  }
  wake_loop();
}

}  // namespace concsim::models
