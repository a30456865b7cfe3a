// The executor (loop.run_in_executor with the default ThreadPoolExecutor):
// worker threads that run jobs from a FIFO queue, their cpu steps on the
// machine's cores, and the result posted back to the loop.
#include "models/loop/steps/event_loop.h"

#include "sim/check.h"

namespace concsim::models {

bool EventLoop::handle_executor(std::uint32_t task, Request& req, Resume*) {
  using K = Request::Kind;
  switch (req.kind) {
    case K::kExecutor: {
      const FutRef f = new_future(FutKind::kPlain, task);
      submit_job(task, program_.spawns[req.spec].function, req.args, req.text, f);
      trace(task, [&] { return "run_in_executor " + req.text; });
      suspend(task, f, PendingOp::kFuture);
      return false;
    }
    default:
      break;
  }
  CONCSIM_CHECK(false, "not an executor request");
  return false;
}

void EventLoop::submit_job(std::uint32_t task, std::uint32_t function, const std::vector<Value>& args,
                           std::string_view name, FutRef f) {
  const auto j = static_cast<std::uint32_t>(jobs_.size());
  jobs_.emplace_back();
  Job& job = jobs_.back();
  // The job draws from its submitter's stream, as the same steps would
  // inline: an offloaded call (model async+executor) faces the draws the
  // loop would have. The task gets the stream back when the result arrives;
  // until then it holds a stream split off, so that a task cancelled while
  // it waits does not draw the job's numbers again.
  interp_.init_task(job.core, function, args, tasks_[task].core.rng);
  tasks_[task].core.rng = tasks_[task].core.rng.split();
  job.future = f;
  job.name = store_.intern(std::string(name));
  job.owner = task;
  // ThreadPoolExecutor: an idle worker takes the job, else a new worker is
  // started while there are fewer than max_workers, else the job queues.
  for (std::uint32_t w = 0; w < worker_job_.size(); ++w) {
    if (worker_job_[w] == kIdle) {
      ++jobs_running_;
      worker_job_[w] = j;
      jobs_[j].start = sim_.now();
      run_worker(w, Resume::start());
      return;
    }
  }
  if (static_cast<int>(worker_job_.size()) < max_workers_) {
    ++jobs_running_;
    worker_job_.push_back(j);
    ++workers_started_;
    memory_changed();
    jobs_[j].start = sim_.now();
    run_worker(static_cast<std::uint32_t>(worker_job_.size() - 1), Resume::start());
    return;
  }
  job_queue_.push_back(j);
}

void EventLoop::run_worker(std::uint32_t worker, Resume resume) {
  using K = Request::Kind;
  const std::uint32_t j = worker_job_[worker];
  const std::uint32_t id = kJobIdBase + j;
  Resume r = resume;
  std::uint64_t budget = options_.step_budget;
  for (;;) {
    Request req = interp_.run(jobs_[j].core, r, sim_.now(), budget);
    switch (req.kind) {
      case K::kCpu:
      case K::kBlock:
      case K::kSleep:
      case K::kIo:
        if (req.duration == 0) {
          r = Resume::with(Value::null());
          continue;
        }
        // A worker's cpu step needs one of the machine's cores; sleeping,
        // I/O and blocking calls do not.
        recorder_.state(sim_.now(), id, req.kind == K::kCpu ? SpanKind::kRunning : SpanKind::kBlocked);
        if (req.kind != K::kCpu) {
          jobs_[j].compute.reset();
        } else if (jobs_[j].compute.add(options_.compute_budget)) {
          stop_runaway(id, runaway_detail("an executor job (" + store_.str(jobs_[j].name) + ")",
                                          options_.compute_budget, "sleeping, blocking or waiting for I/O"));
          return;
        }
        if (req.kind == K::kCpu) {
          worker_cpu_ += req.duration;
          worker_on_core_[worker] = true;
          use_core(CoreUser{false, worker, req.duration});
        } else {
          ++voluntary_switches_;  // the worker thread blocks
          sim_.schedule_in(req.duration, *this, tag(Tag::kWorker, worker));
        }
        return;
      case K::kYield:
        r = Resume::with(Value::null());
        continue;
      case K::kLog:
        trace(id, [&] { return "log: " + req.text; });
        r = Resume::with(Value::null());
        continue;
      case K::kFinished: {
        Job& job = jobs_[j];
        job.failed = req.flag;
        job.result = req.value;
        job.end = sim_.now();
        recorder_.close(sim_.now(), id);
        trace(id, [&] { return job.failed ? "failed: " + store_.format(job.result, this) : "done -> " + store_.format(job.result, this, true); });
        // The result reaches the loop with call_soon_threadsafe.
        call_soon(Callback{CbKind::kExecutorDone, j, 0, 0});
        worker_job_[worker] = kIdle;
        --jobs_running_;
        start_next_job(worker);
        if (shutting_down_) on_main_finished();
        return;
      }
      case K::kRunaway:
        stop_runaway(id, "an executor job ran " + std::to_string(options_.step_budget) +
                             " instructions without a pause (an endless loop?)");
        return;
      default:
        r = Resume::raise(exception("RuntimeError", "only cpu, block, sleep, io, yield and log can run in an executor"));
        continue;
    }
  }
}

void EventLoop::start_next_job(std::uint32_t worker) {
  // A job whose awaiting task was cancelled while it queued never runs: the
  // loop cancels the concurrent future, which succeeds while it is pending.
  while (!job_queue_.empty()) {
    const Future* f = get(jobs_[job_queue_.front()].future);
    if (f != nullptr && f->state == FutState::kPending) break;
    job_queue_.pop_front();
  }
  if (job_queue_.empty()) return;
  const std::uint32_t j = job_queue_.front();
  job_queue_.pop_front();
  ++jobs_running_;
  worker_job_[worker] = j;
  jobs_[j].start = sim_.now();
  run_worker(worker, Resume::start());
}

// A worker's cpu, sleep, I/O or blocking step is over: its job goes on.
void EventLoop::worker_ready(std::uint32_t worker) {
  if (worker_on_core_[worker]) {
    worker_on_core_[worker] = false;
    release_core();
  }
  run_worker(worker, Resume::with(Value::null()));
}

// The job's result, posted to the loop with call_soon_threadsafe, sets the
// future its task awaits.
void EventLoop::on_executor_done(const Callback& cb) {
  Job& j = jobs_[cb.a];
  Future* f = get(j.future);
  if (f == nullptr || f->state != FutState::kPending) return;
  // The job drew from its submitter's stream (submit_job); the task,
  // still waiting for it, goes on from where the job left the stream.
  tasks_[j.owner].core.rng = j.core.rng;
  if (j.failed) {
    set_exception(j.future, j.result);
  } else {
    set_result(j.future, j.result);
  }
}

}  // namespace concsim::models
