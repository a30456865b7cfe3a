// The step-language loop's construction, asyncio.run's start, and what it
// reports once the run is over (summaries, the main task's outcome, what
// every task waits for when the run stalls). The loop itself is spread by
// concept over the other files of this folder (event_loop.h lists them).
#include "models/loop/steps/event_loop.h"

#include <algorithm>

namespace concsim::models {

EventLoop::EventLoop(sim::Simulation& sim, const Program& program, const LoopOptions& options)
    : sim_(sim),
      program_(program),
      options_(options),
      store_(program.constants),
      interp_(program, store_, shared_, this),
      recorder_(options.record, options.record_limit),
      requests_(options.requests) {
  for (const SharedVar& v : program.shared) shared_.push_back(v.initial);
  for (const auto& [name, value] : options.shared_overrides) {
    for (std::size_t i = 0; i < program.shared.size(); ++i) {
      if (program.shared[i].name == name) shared_[i] = value;
    }
  }
  init_sync();
  max_workers_ = options.executor_workers > 0 ? options.executor_workers
                                              : std::min(32, options.machine.cores + 4);
  cores_free_ = std::max(1, options.machine.cores);
  worker_on_core_.assign(static_cast<std::size_t>(max_workers_), false);
  interp_.set_exception_log(&exceptions_);
  interp_.set_stream_seed(sim_.seed());
  sim_.add_stall_source(this);
}

void EventLoop::start(std::uint32_t function) {
  // Every other task's stream is split from its creator's; main's is the
  // root (one per process when several loops share the simulation).
  main_ = create_task(function, {}, program_.functions[function].name,
                      options_.process == 0 ? sim_.stream("task", 0) : sim_.stream("process", options_.process));
  tasks_[main_].is_main = true;
}

TaskState EventLoop::main_state() const { return tasks_.empty() ? TaskState::kPending : tasks_[main_].state; }

std::string EventLoop::main_result() const {
  return tasks_.empty() ? "" : store_.format(tasks_[main_].result(), this, true);
}

std::string EventLoop::task_name(std::uint32_t task) const {
  if (task == Recorder::kNoTask) return "loop";
  if (task >= kJobIdBase) {
    const std::uint32_t j = task - kJobIdBase;
    return j < jobs_.size() ? "executor:" + store_.str(jobs_[j].name) : "executor";
  }
  return task < tasks_.size() ? names_.get(tasks_[task].name) : "task#" + std::to_string(task);
}

std::vector<TaskSummary> EventLoop::task_summaries() const {
  std::vector<TaskSummary> out;
  out.reserve(tasks_.size() + jobs_.size());  // no doubling: a million summaries, once
  for (std::uint32_t i = 0; i < tasks_.size(); ++i) {
    const Task& t = tasks_[i];
    out.push_back(TaskSummary{names_.get(t.name), t.start, t.end, t.state,
                              t.end >= 0 ? store_.format(t.result(), this, true) : "", false});
  }
  for (std::uint32_t j = 0; j < jobs_.size(); ++j) {
    const Job& job = jobs_[j];
    const TaskState s = job.end < 0 ? TaskState::kPending : (job.failed ? TaskState::kFailed : TaskState::kDone);
    out.push_back(TaskSummary{task_name(kJobIdBase + j), job.start, job.end, s,
                              job.end >= 0 ? store_.format(job.result, this, true) : "", true});
  }
  return out;
}

void EventLoop::release_run_state() {
  futures_.clear();
  std::unordered_map<std::uint32_t, std::vector<Callback>>().swap(more_callbacks_);
  std::vector<std::uint32_t>().swap(free_futures_);
  std::deque<Callback>().swap(ready_);
  std::deque<Callback>().swap(io_ready_);
  std::deque<Callback>().swap(fired_timers_);
  for (Task& t : tasks_) {
    interp_.release(t.core);
    t.waiter = FutRef{};
    t.future = FutRef{};
  }
  for (Job& j : jobs_) interp_.release(j.core);
  interp_.release_all();
}

void EventLoop::describe_waiting(std::vector<sim::WaitingTask>& out) const {
  if (finished_) return;
  for (std::uint32_t i = 0; i < tasks_.size(); ++i) {
    const Task& t = tasks_[i];
    if (t.end >= 0) continue;
    out.push_back(sim::WaitingTask{task_name(i), interp_.describe_wait(t.core)});
  }
}

}  // namespace concsim::models
