// The default executor: concurrent.futures.ThreadPoolExecutor's policy
// (Lib/concurrent/futures/thread.py) in virtual time. Worker threads start
// lazily up to max_workers (min(32, cores + 4)); an idle worker takes the
// next job (jobs wait first in, first out); a job's result reaches the loop
// with call_soon_threadsafe, as futures.wrap_future does.
#include <string>
#include <utility>

#include "models/loop/loop.h"
#include "models/loop/natives.h"
#include "models/vm/ops.h"

namespace concsim::models::loop {

using vm::Kind;
using vm::RunStatus;
using vm::Value;

std::size_t Loop::workers_started() const { return workers_.size(); }

Value Loop::run_in_executor(Value fn, std::vector<Value> args) {
  Value f = new_future();
  auto job = std::make_unique<Job>();
  job->fn = std::move(fn);
  job->args = std::move(args);
  job->future = f;
  job_queue_.push_back(std::move(job));
  // _adjust_thread_count: an idle worker takes it; else a new thread starts.
  for (std::uint32_t i = 0; i < workers_.size(); ++i) {
    if (!workers_[i]->job) {
      worker_next(i);
      return f;
    }
  }
  if (static_cast<int>(workers_.size()) < max_workers_) {
    auto w = std::make_unique<Worker>();
    w->name = "asyncio_" + std::to_string(workers_.size());
    w->fiber.owner = &w->name;
    workers_.push_back(std::move(w));
    memory_changed();
    worker_next(static_cast<std::uint32_t>(workers_.size() - 1));
  }
  return f;
}

void Loop::worker_next(std::uint32_t index) {
  Worker& w = *workers_[index];
  if (w.job || job_queue_.empty()) return;
  w.job = std::move(job_queue_.front());
  job_queue_.pop_front();
  auto* f = w.job->future.as<FutureObj>();
  if (f->state == FutState::kCancelled) {
    // The awaiting side gave up before the job started: it is dropped.
    w.job.reset();
    worker_next(index);
    return;
  }
  ++jobs_running_;
  if (!vm_.start_call(w.fiber, w.job->fn, std::move(w.job->args))) {
    Value exc = vm_.take_error();
    std::unique_ptr<Job> done = std::move(w.job);
    --jobs_running_;
    call_soon(vm_.make_builtin("_set_state", [](vm::Vm&, vm::CallArgs& a) -> Value {
                auto* fut = a.args[0].as<FutureObj>();
                if (!fut->done()) fut->loop->future_set_exception(fut, a.args[1]);
                return Value::none();
              }),
              {done->future, exc});
    worker_next(index);
    return;
  }
  worker_run(index, Value::none());
}

// Runs (or resumes) a worker's job until it waits or ends.
void Loop::worker_run(std::uint32_t index, Value in) {
  Worker& w = *workers_[index];
  if (w.busy) {
    w.busy = false;
    if (w.on_core) {
      w.on_core = false;
      worker_cpu_ += w.busy_for;
      release_core();
    }
  }
  worker_busy_ = index + 1;
  vm::RunResult r = vm_.run(w.fiber, std::move(in));
  worker_busy_ = 0;
  if (r.status == RunStatus::kSuspended) return;  // a cpu step or a sleep: kWorker resumes it
  std::unique_ptr<Job> done = std::move(w.job);
  --jobs_running_;
  // The result travels to the loop thread (call_soon_threadsafe).
  Value setter = vm_.make_builtin("_set_state", [](vm::Vm&, vm::CallArgs& a) -> Value {
    auto* fut = a.args[0].as<FutureObj>();
    if (fut->done()) return Value::none();
    if (a.args[2].as_bool()) {
      fut->loop->future_set_exception(fut, a.args[1]);
    } else {
      fut->loop->future_set_result(fut, a.args[1]);
    }
    return Value::none();
  });
  const bool failed = r.status != RunStatus::kReturned;
  Value value = std::move(r.value);
  if (r.status == RunStatus::kRunaway) {
    vm_.raise(vm_.b().RuntimeError, "concsim: endless loop in an executor job");
    value = vm_.take_error();
  }
  call_soon(std::move(setter), {done->future, value, Value::boolean(failed)});
  if (jobs_running_ == 0 && job_queue_.empty() && !shutdown_waiter_.is_none() && !shutdown_waiter_.is_unset()) {
    Value f = std::move(shutdown_waiter_);
    shutdown_waiter_ = Value::none();
    call_soon(set_result_unless_cancelled_, {f, Value::none()});
  }
  worker_next(index);
}

// A worker thread computes or sleeps: occupy() for a worker.
Value Loop::worker_occupy(sim::Duration d, bool blocking) {
  const std::uint32_t index = worker_busy_ - 1;
  Worker& w = *workers_[index];
  if (d <= 0) return Value::none();
  w.busy = true;
  w.busy_since = sim_.now();
  w.busy_for = d;
  if (blocking) {
    sim_.schedule_in(d, *this, tag(Tag::kWorker, index));
  } else {
    w.on_core = true;
    use_core(CoreUser{false, index, d});
  }
  return Value::suspend();
}

Value Loop::shutdown_default_executor() {
  // An awaitable (future) done once no job runs or waits.
  Value f = new_future();
  if (workers_.empty()) {
    future_set_result(f.as<FutureObj>(), Value::none());
    return f;
  }
  if (jobs_running_ == 0 && job_queue_.empty()) {
    call_soon(set_result_unless_cancelled_, {f, Value::none()});
    return f;
  }
  shutdown_waiter_ = f;
  return f;
}

}  // namespace concsim::models::loop
