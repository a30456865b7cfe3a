// The loop's mechanics: the program's top level, iterations phase by phase,
// the ready queue, the loop thread busy in a cpu or blocking call, and the
// figures of a run.
#include "models/loop/loop.h"

#include <algorithm>
#include <array>
#include <span>
#include <cmath>
#include <utility>

#include "models/loop/natives.h"
#include "models/vm/ops.h"
#include "sim/check.h"

namespace concsim::models::loop {

using vm::Kind;
using vm::RunStatus;
using vm::Value;

namespace {
constexpr double kMaximumSelectTimeout = 24 * 3600;  // base_events.py MAXIMUM_SELECT_TIMEOUT
constexpr std::size_t kMinScheduledTimerHandles = 100;
constexpr double kMinCancelledTimerHandlesFraction = 0.5;
constexpr double kClockResolution = 1e-09;  // time.get_clock_info('monotonic').resolution on Linux

vm::VmOptions vm_options(const LoopOptions& o) {
  vm::VmOptions v;
  v.step_budget = o.step_budget;
  v.recursion_limit = 1000;
  v.charge_ops = o.machine.python_op_cost_ps > 0;
  return v;
}
}  // namespace

Loop::Loop(sim::Simulation& sim, const vm::Program& program, const LoopOptions& options)
    : ConcsimHost(sim),
      sim_(sim),
      options_(options),
      vm_(program, *this, vm_options(options)),
      recorder_(options.record, options.record_limit),
      requests_(options.requests) {
  cores_free_ = std::max(1, options_.machine.cores);
  op_charge_.cost_ps = options_.machine.python_op_cost_ps;
  max_workers_ = options_.executor_workers > 0 ? options_.executor_workers
                                               : std::min(32, options_.machine.cores + 4);
  module_fiber_.owner = nullptr;
  callback_fiber_.owner = nullptr;
  sim_.add_stall_source(this);
}

Loop::~Loop() {
  // The VM's objects go before the VM.
  vm_.discard(module_fiber_);
  vm_.discard(callback_fiber_);
  asyncgens_.clear();
  // The tasks still alive forget the loop first, then lose their fibers.
  // Into room reserved as the tasks were made: a destructor that runs
  // while a std::bad_alloc unwinds must not allocate.
  std::vector<Value>& alive = teardown_;
  alive.clear();
  for (const TaskRecord& r : task_records_) {
    if (r.task != nullptr) alive.push_back(Value::borrow(r.task));
  }
  for (Value& t : alive) t.as<TaskObj>()->registered = false;
  for (Value& t : alive) vm_.discard(t.as<TaskObj>()->fiber);
  alive.clear();
  ready_.clear();
  io_ready_.clear();
  scheduled_.clear();
  io_pending_.clear();
  io_free_.clear();
  for (auto& e : executors_) e->queue.clear();
  for (auto& w : workers_) vm_.discard(w->fiber);
  workers_.clear();
  executors_.clear();
  cfuture_class_ = executor_class_ = concurrent_futures_ = Value();
  task_records_.clear();
  exception_handler_ = Value();
  current_handle_ = Value();
  busy_cfuture_ = Value();
  busy_task_ = Value();
  busy_task_name_ = Value();
  spare_vectors_.clear();
  until_ = Value();
  main_task_ = Value();
  asyncio_ = Value();
  future_class_ = task_class_ = handle_class_ = timer_handle_class_ = Value();
  cancelled_error_ = invalid_state_error_ = Value();
}

void Loop::start() {
  vm_.start_module(module_fiber_);
  for (const auto& [name, v] : options_.global_overrides) {
    (void)name;
    (void)v;
  }
  sim_.schedule_in(0, *this, tag(Tag::kModule));
}

// ------------------------------------------------------------ top level ----

void Loop::run_module(Value in, bool raise) {
  runner_ = Runner::kModule;
  vm::RunResult r = run_fiber(module_fiber_, std::move(in), raise);
  if (r.status == RunStatus::kSuspended && busy_) return;  // busy_done resumes it
  runner_ = Runner::kNone;
  if ((r.status == RunStatus::kReturned || r.status == RunStatus::kRaised) && owed_ > 0 && !busy_) {
    // The program ends once its last instructions are paid for.
    module_end_ = std::move(r);
    pay_owed();
    runner_ = Runner::kModuleEnd;
    return;
  }
  module_done(std::move(r));
}

void Loop::module_done(vm::RunResult r) {
  switch (r.status) {
    case RunStatus::kSuspended:
    case RunStatus::kCharge:  // run_fiber charges and resumes these
      // Waiting for the loop (run_until_complete): the loop runs now.
      return;
    case RunStatus::kReturned:
      break;
    case RunStatus::kRaised:
      record_uncaught(r.value);
      break;
    case RunStatus::kRunaway:
      uncaught_type_ = "RuntimeError";
      uncaught_message_ = "concsim: endless loop: the program's top level ran " +
                          std::to_string(options_.step_budget) + " instructions without waiting";
      uncaught_ = uncaught_type_ + ": " + uncaught_message_ + "\n";
      break;
  }
  finished_ = true;
  finish_time_ = sim_.now();
  // Lines not ended by a newline are output too.
  for (int s = 1; s <= 2; ++s) {
    if (!partial_[s].empty()) {
      output_.push_back(OutputLine{sim_.now(), "MainThread", s, partial_[s]});
      partial_[s].clear();
    }
  }
  recorder_.close_all(sim_.now());
  if (options_.stop_when_done) sim_.stop("the program ended");
}

void Loop::record_uncaught(const Value& exc) {
  uncaught_ = vm_.format_exception(exc);
  if (!exc.is(Kind::kException)) return;
  auto* e = exc.as<vm::ExceptionObj>();
  const auto* cls = e->cls.as<vm::ClassObj>();
  uncaught_type_ = vm::str_of(cls->name);
  Value s = vm::str(vm_, exc);
  uncaught_message_ = s.is(Kind::kStr) ? vm::str_of(s) : std::string();
  if (s.is_error()) vm_.take_error();
  for (auto it = e->traceback.rbegin(); it != e->traceback.rend(); ++it) {
    if (it->code->is(vm::kHidden)) continue;
    uncaught_frames_.push_back(Frame{it->code->file, it->line, it->code->name});
  }
}

Value Loop::run_until_complete(Value fut) {
  if (running_) return vm_.raise(vm_.b().RuntimeError, "This event loop is already running");
  if (vm_.current_fiber() != &module_fiber_) {
    return vm_.raise(vm_.b().RuntimeError, "Cannot run the event loop while another loop is running");
  }
  until_ = fut;
  running_ = true;
  stopping_ = false;
  module_waiting_loop_ = true;
  ran_ = true;
  schedule_iteration();
  return Value::suspend();
}

void Loop::stop_run_until_complete() {
  running_ = false;
  stopping_ = false;
  module_waiting_loop_ = false;
  // The top level continues in an event of its own: not inside this iteration.
  sim_.schedule_in(0, *this, tag(Tag::kModule, 1));
}

// ------------------------------------------------------------ iterations ----

void Loop::schedule_iteration() {
  if (iteration_scheduled_ || !running_) return;
  iteration_scheduled_ = true;
  // Late priority: I/O and workers' results due at this same instant are
  // delivered first, so that the poll phase sees them.
  sim_.schedule_in(0, *this, tag(Tag::kIterate), sim::Priority::kLate);
}

void Loop::wake() {
  if (!idle_) return;
  idle_ = false;
  if (wake_event_.valid()) {
    sim_.cancel(wake_event_);
    wake_event_ = sim::EventId{};
  }
  if (options_.trace_phases) trace("select returns");
  schedule_iteration();
}

void Loop::iterate() {
  if (!running_) return;
  iterating_ = true;
  ++stats_.iterations;
  // Phase 0: cancelled timers leave the heap.
  const std::size_t sched_count = scheduled_.size();
  if (sched_count > kMinScheduledTimerHandles &&
      static_cast<double>(timer_cancelled_count_) / static_cast<double>(sched_count) >
          kMinCancelledTimerHandlesFraction) {
    std::vector<Value> kept;
    for (Value& h : scheduled_) {
      auto* t = h.as<HandleObj>();
      if (t->cancelled) {
        t->scheduled = false;
      } else {
        kept.push_back(std::move(h));
      }
    }
    scheduled_ = std::move(kept);
    heapify();
    timer_cancelled_count_ = 0;
  } else {
    while (!scheduled_.empty() && scheduled_.front().as<HandleObj>()->cancelled) {
      --timer_cancelled_count_;
      Value h = heap_pop();
      h.as<HandleObj>()->scheduled = false;
    }
  }
  // Phase 1: select. With something ready (or stopping) it returns at once;
  // otherwise the loop sleeps until the earliest timer, or for ever, unless
  // I/O or an executor's result wakes it first.
  // select(timeout): timeout = min(max(0, when - time()), 24 h), as
  // _run_once computes it; 0 (something ready, stopping, or a timer due)
  // polls without waiting.
  sim::Time deadline = -1;  // -1: no timer, wait for I/O
  bool wait = ready_.empty() && io_ready_.empty() && !stopping_;
  if (wait && !scheduled_.empty()) {
    const auto* h = scheduled_.front().as<HandleObj>();
    if (h->when_ns >= 0) {
      if (h->when_ns <= sim_.now()) {
        wait = false;
      } else {
        deadline = h->when_ns;
      }
    } else {
      const double timeout = std::min(std::max(0.0, h->when - time()), kMaximumSelectTimeout);
      if (timeout <= 0) {
        wait = false;
      } else {
        // The loop wakes at the earliest timer, T = ceil(when * 1e9) (at
        // least 1 ns on), where _run_once then finds it due.
        deadline = static_cast<sim::Time>(std::ceil(h->when * 1e9));
        if (timeout >= kMaximumSelectTimeout) {
          deadline = std::min(deadline, sim_.now() + static_cast<sim::Time>(kMaximumSelectTimeout) * sim::kSecond);
        }
        if (deadline <= sim_.now()) deadline = sim_.now() + 1;
      }
    }
  }
  if (wait) {
    idle_ = true;
    idle_since_ = sim_.now();
    iterating_ = false;
    ++voluntary_switches_;
    if (deadline >= 0) {
      if (options_.trace_phases) trace("select: sleep until the next timer or I/O");
      wake_event_ = sim_.schedule_at(deadline, *this, tag(Tag::kWake));
    } else if (options_.trace_phases) {
      trace("select: sleep until I/O");
    }
    return;
  }
  poll_done();
}

// After select returned: its cost, then the timers, then the run phase.
void Loop::poll_done() {
  const std::size_t io = io_ready_.size();
  const MachineProfile& m = options_.machine;
  const sim::Duration cost = m.syscall + m.poll + m.per_event * static_cast<sim::Duration>(io);
  while (!io_ready_.empty()) {
    Value h = std::move(io_ready_.front());
    io_ready_.pop_front();
    h.as<HandleObj>()->ready_at = sim_.now();
    ready_.push_back(std::move(h));
  }
  if (options_.trace_phases) {
    trace_text("iteration " + std::to_string(stats_.iterations) + ": poll, " + std::to_string(io) + " I/O ready");
  }
  if (cost > 0 && !busy_) {
    busy_ = true;
    busy_blocking_ = false;
    busy_since_ = sim_.now();
    busy_for_ = cost;
    runner_ = Runner::kNone;
    sim_.schedule_in(cost, *this, tag(Tag::kPollDone));
    return;
  }
  timers_and_run();
}

// Phases 2 and 3, once select's cost (if any) has been paid.
void Loop::timers_and_run() {
  // Phase 2: timers due before now + the clock's resolution.
  const double end_time = time() + kClockResolution;
  std::size_t due = 0;
  while (!scheduled_.empty()) {
    const auto* h = scheduled_.front().as<HandleObj>();
    const bool fire = h->when_ns >= 0 ? h->when_ns <= sim_.now() : h->when < end_time;
    if (!fire) break;
    Value t = heap_pop();
    t.as<HandleObj>()->scheduled = false;
    t.as<HandleObj>()->ready_at = sim_.now();
    ready_.push_back(std::move(t));
    ++due;
  }
  if (options_.trace_phases) trace_text("timers: " + std::to_string(due) + " due");
  stats_.max_ready = std::max<std::uint64_t>(stats_.max_ready, ready_.size());
  // Phase 3: run what is ready now.
  ntodo_ = ready_.size();
  if (options_.trace_phases) trace_text("run: " + std::to_string(ntodo_) + " callbacks");
  run_ready();
}

void Loop::run_ready() {
  for (;;) {
    if (owed_ > 0 && !busy_) pay_owed();
    if (ntodo_ == 0 || busy_ || !running_) break;
    Value h = std::move(ready_.front());
    ready_.pop_front();
    --ntodo_;
    if (h.as<HandleObj>()->cancelled) continue;
    if (options_.should_stop && ++handles_run_ % kShouldStopHandles == 0 && options_.should_stop()) {
      sim_.stop("interrupted");
      return;
    }
    run_handle(std::move(h));
    // The handle is gone: what it held last may die now (a finished task
    // whose exception nobody retrieved logs it here, outside any task).
    if (vm_.has_finalizers()) vm_.run_finalizers();
  }
  if (busy_) return;
  end_iteration();
}

void Loop::end_iteration() {
  iterating_ = false;
  if (!running_) return;
  if (stopping_) {
    stop_run_until_complete();
    return;
  }
  schedule_iteration();
}

void Loop::run_handle(Value h) {
  auto* handle = h.as<HandleObj>();
  Value cb = handle->callback;
  // A Python function (or method) runs on the callback fiber, where it may
  // block the loop; anything else (a native, an object with __call__, a
  // class) is called directly.
  const bool python = cb.is(Kind::kFunction) ||
                      (cb.is(Kind::kMethod) && cb.as<vm::MethodObj>()->func.is(Kind::kFunction));
  if (!python && handle->args.size() <= 4) {
    // The arguments copied to the stack (the callback may cancel the
    // handle, which clears them): no allocation for the loop's own
    // callbacks (a task's wakeup, a future's result).
    std::array<Value, 4> local;
    const std::size_t n = handle->args.size();
    std::copy(handle->args.begin(), handle->args.end(), local.begin());
    Value r = vm_.call(cb, std::span<const Value>(local.data(), n));
    if (r.is_error()) callback_failed(h, vm_.take_error());
    if (h.obj()->refcount == 1) {
      // Nobody else sees the handle: its argument list serves the next one.
      handle->args.clear();
      recycle(std::move(handle->args));
    }
    return;
  }
  std::vector<Value> args = handle->args;
  if (!python) {
    Value r = vm_.call(cb, args);
    if (r.is_error()) callback_failed(h, vm_.take_error());
    return;
  }
  // A Python callback runs on the callback fiber; it may block the loop.
  if (!vm_.start_call(callback_fiber_, cb, std::move(args))) {
    callback_failed(h, vm_.take_error());
    return;
  }
  current_handle_ = h;
  runner_ = Runner::kCallback;
  vm::RunResult r = run_fiber(callback_fiber_, Value::none(), false);
  if (r.status == RunStatus::kSuspended && busy_) return;
  runner_ = Runner::kNone;
  callback_after_run(std::move(r));
}

void Loop::callback_failed(const Value& h, const Value& exc) {
  // Handle._run: "Exception in callback <callback source>", with the handle.
  const auto* handle = h.as<HandleObj>();
  call_exception_handler(exception_context(
      "Exception in callback " + format_callback_source(vm_, handle->callback, handle->args), exc, {{"handle", h}}));
}

void Loop::callback_after_run(vm::RunResult r) {
  Value h = std::move(current_handle_);
  current_handle_ = Value();
  switch (r.status) {
    case RunStatus::kReturned:
      return;
    case RunStatus::kRaised:
      callback_failed(h, r.value);
      return;
    case RunStatus::kSuspended:
    case RunStatus::kCharge:
      vm_.discard(callback_fiber_);
      call_exception_handler(exception_context("concsim: a callback waited outside a task", Value()));
      return;
    case RunStatus::kRunaway:
      vm_.discard(callback_fiber_);
      uncaught_type_ = "RuntimeError";
      uncaught_message_ = "concsim: endless loop in a callback";
      uncaught_ = uncaught_type_ + ": " + uncaught_message_ + "\n";
      finished_ = true;
      finish_time_ = sim_.now();
      sim_.stop("endless loop");
      return;
  }
}

// ------------------------------------------------------- the loop thread ----

vm::RunResult Loop::run_fiber(vm::Fiber& fiber, Value in, bool raise) {
  for (;;) {
    vm::RunResult r = vm_.run(fiber, std::move(in), raise);
    const sim::Duration d = op_charge_.charge(r.ops);
    if (r.status != RunStatus::kCharge) {
      owed_ += d;
      return r;
    }
    if (d > 0) {
      // The loop thread computes; busy_done resumes the fiber at the call.
      compute(d);
      return vm::RunResult{RunStatus::kSuspended, Value(), 0};
    }
    in = Value::none();  // less than a nanosecond so far: carried
    raise = false;
  }
}

// The loop thread computes for d (interpreted instructions): as cpu() does,
// without a line in the trace.
void Loop::compute(sim::Duration d) {
  busy_ = true;
  busy_blocking_ = false;
  busy_since_ = sim_.now();
  busy_for_ = d;
  note_busy_name();
  use_core(CoreUser{true, 0, d});
}

void Loop::pay_owed() {
  const sim::Duration d = owed_;
  owed_ = 0;
  runner_ = Runner::kNone;
  compute(d);
}

Value Loop::occupy(sim::Duration d, bool blocking) {
  if (d <= 0) return Value::none();
  if (worker_busy_ != 0) return worker_occupy(d, blocking);
  if (vm_.current_fiber() == nullptr) return vm_.raise(vm_.b().RuntimeError, "concsim: no running fiber");
  busy_ = true;
  busy_blocking_ = blocking;
  busy_since_ = sim_.now();
  busy_for_ = d;
  note_busy_name();
  if (recorder_.accepting_lines()) {
    // "<name>: cpu <d>", built in one buffer: one line per cpu() call, so
    // the name is not copied and the text not regrown piece by piece.
    const std::string& name = busy_task_name_.is(Kind::kStr) ? vm::str_of(busy_task_name_) : busy_name_;
    const std::string duration = sim::format_duration(d);
    std::string text;
    text.reserve(name.size() + 8 + duration.size());
    text.append(name).append(blocking ? ": block " : ": cpu ").append(duration);
    recorder_.line(sim_.now(), 0, std::move(text));
  }
  if (blocking) {
    sim_.schedule_in(d, *this, tag(Tag::kBusyDone));
  } else {
    use_core(CoreUser{true, 0, d});
  }
  return Value::suspend();
}

void Loop::use_core(const CoreUser& u) {
  if (cores_free_ > 0) {
    --cores_free_;
    sim_.schedule_in(u.d, *this, u.loop ? tag(Tag::kBusyDone) : tag(Tag::kWorker, u.worker));
    return;
  }
  core_queue_.push_back(u);
}

void Loop::release_core() {
  if (core_queue_.empty()) {
    ++cores_free_;
    return;
  }
  const CoreUser next = core_queue_.front();
  core_queue_.pop_front();
  sim_.schedule_in(next.d, *this, next.loop ? tag(Tag::kBusyDone) : tag(Tag::kWorker, next.worker));
}

void Loop::busy_done() {
  const sim::Time end = sim_.now();
  account_wait(busy_since_, end, busy_blocking_);
  if (busy_blocking_) {
    stats_.blocked += busy_for_;
  } else {
    stats_.busy += busy_for_;
    release_core();
  }
  busy_ = false;
  // What the blocked call returns: None, or a concurrent future's outcome
  // when the loop thread waited on its result().
  Value in = Value::none();
  bool raise = false;
  if (!busy_cfuture_.is_none()) {
    Value cf = std::move(busy_cfuture_);
    busy_cfuture_ = Value::none();
    in = wait_concurrent(cf);
    if (in.is_error()) {
      in = vm_.take_error();
      raise = true;
    }
  }
  switch (runner_) {
    case Runner::kModule:
      run_module(std::move(in), raise);
      break;
    case Runner::kTask: {
      Value keep = std::move(busy_task_);
      busy_task_ = Value();
      task_run(running_task_, std::move(in), raise);
      break;
    }
    case Runner::kCallback: {
      vm::RunResult r = run_fiber(callback_fiber_, std::move(in), raise);
      if (r.status == RunStatus::kSuspended && busy_) return;
      runner_ = Runner::kNone;
      callback_after_run(std::move(r));
      break;
    }
    case Runner::kModuleEnd:
      runner_ = Runner::kNone;
      module_done(std::move(module_end_));
      break;
    case Runner::kNone:
      break;
  }
  if (!busy_ && iterating_) run_ready();
}

// The callbacks that became ready while the loop thread was held from
// `from` to `to` waited: the longest wait is the call's lateness.
void Loop::account_wait(sim::Time from, sim::Time to, bool blocked) {
  sim::Time earliest = to;
  std::uint64_t delayed = 0;
  // The ready callbacks, and the I/O that finished meanwhile, that became
  // ready before `to`.
  // Both queues are in the order their handles joined them, each stamped
  // with the time it joined: the ones before `to` are a prefix.
  auto scan = [&](const std::deque<Value>& queue) {
    const auto end = std::partition_point(queue.begin(), queue.end(),
                                          [&](const Value& h) { return h.as<HandleObj>()->ready_at < to; });
    if (end == queue.begin()) return;
    delayed += static_cast<std::uint64_t>(end - queue.begin());
    earliest = std::min(earliest, queue.front().as<HandleObj>()->ready_at);
  };
  scan(ready_);
  scan(io_ready_);
  // Due timers wait too. The heap is ordered by `when`, so a subtree whose
  // root is due after `to` holds none due before it (a timer given in
  // nanoseconds may round 1 ns below its parent's ceiling: hence "after",
  // not "at"). A scan of every timer on every busy period made a Python
  // server of 10,000 connections quadratic.
  heap_scan_.clear();
  if (!scheduled_.empty()) heap_scan_.push_back(0);
  while (!heap_scan_.empty()) {
    const std::size_t i = heap_scan_.back();
    heap_scan_.pop_back();
    const auto* t = scheduled_[i].as<HandleObj>();
    const sim::Time due = t->when_ns >= 0 ? t->when_ns : static_cast<sim::Time>(std::ceil(t->when * 1e9));
    if (due > to) continue;
    if (!t->cancelled && due < to) {
      ++delayed;
      earliest = std::min(earliest, std::max(due, from));
    }
    for (std::size_t c = 2 * i + 1; c <= 2 * i + 2 && c < scheduled_.size(); ++c) heap_scan_.push_back(c);
  }
  const sim::Duration worst = delayed > 0 ? to - std::max(earliest, from) : 0;
  if (worst > stats_.longest_stall) {
    stats_.longest_stall = worst;
    stats_.longest_stall_task = busy_name();
    stats_.longest_stall_at = from;
  }
  if (blocked) {
    ++stats_.blocking_count;
    stats_.blocking_max_lateness = std::max(stats_.blocking_max_lateness, worst);
    if (stats_.blocking_calls.size() < LoopStats::kMaxBlockingCallsListed) {
      stats_.blocking_calls.push_back(BlockingCall{busy_name(), from, to - from, delayed, worst});
    }
  }
}

// --------------------------------------------------------------- events ----

void Loop::on_event(std::uint64_t t) {
  const auto kind = static_cast<Tag>(t >> 56);
  const std::uint64_t index = t & 0x00FFFFFFFFFFFFFFULL;
  switch (kind) {
    case Tag::kModule:
      if (index == 0) {
        run_module(Value::none(), false);
      } else {
        // run_until_complete returns: the future's result, or its error.
        Value fut = std::move(until_);
        until_ = Value();
        auto* f = fut.as<FutureObj>();
        // future.remove_done_callback(_run_until_complete_cb)
        std::erase_if(f->callbacks, [](const Value& cb) {
          return cb.is(Kind::kBuiltin) && std::string_view(cb.as<vm::BuiltinObj>()->name) == "_run_until_complete_cb";
        });
        if (!f->done()) {
          vm_.raise(vm_.b().RuntimeError, "Event loop stopped before Future completed.");
          run_module(vm_.take_error(), true);
          return;
        }
        Value r = future_result(f);
        if (r.is_error()) {
          run_module(vm_.take_error(), true);
        } else {
          run_module(std::move(r), false);
        }
      }
      break;
    case Tag::kIterate:
      iteration_scheduled_ = false;
      iterate();
      break;
    case Tag::kWake:
      wake_event_ = sim::EventId{};
      idle_ = false;
      if (options_.trace_phases) trace("select returns");
      iterating_ = true;
      poll_done();
      break;
    case Tag::kPollDone:
      stats_.busy += busy_for_;
      stats_.system += busy_for_;
      busy_ = false;
      timers_and_run();
      break;
    case Tag::kBusyDone:
      busy_done();
      break;
    case Tag::kIo: {
      if (index >= io_pending_.size() || !io_pending_[index].is(Kind::kNative)) break;
      Value h = std::move(io_pending_[index]);
      io_pending_[index] = Value();
      io_free_.push_back(static_cast<std::uint32_t>(index));
      h.as<HandleObj>()->ready_at = sim_.now();
      io_ready_.push_back(std::move(h));
      wake();
      break;
    }
    case Tag::kWorker:
      worker_run(static_cast<std::uint32_t>(index & ((std::uint64_t{1} << 40) - 1)), Value::none());
      break;
  }
}

void Loop::describe_waiting(std::vector<sim::WaitingTask>& out) const {
  if (finished_) return;
  if (module_waiting_loop_ || running_) {
    for (const Value& v : all_tasks()) {
      const auto* t = v.as<TaskObj>();
      if (t->done()) continue;
      std::string what = "waiting";
      if (t->fiber.top != nullptr) what = "at " + const_cast<vm::Vm&>(vm_).where(t->fiber);
      out.push_back(sim::WaitingTask{vm::str_of(t->name), what});
    }
    if (out.empty()) out.push_back(sim::WaitingTask{"MainThread", "the event loop, with nothing scheduled"});
    return;
  }
  out.push_back(sim::WaitingTask{"MainThread", "at " + const_cast<vm::Vm&>(vm_).where(module_fiber_)});
}

// --------------------------------------------------------------- output ----

std::string Loop::current_name() const {
  if (worker_busy_ != 0) return workers_[worker_busy_ - 1]->name;
  if (runner_ == Runner::kTask && running_task_ != nullptr) return vm::str_of(running_task_->name);
  if (current_task_ != nullptr) return vm::str_of(current_task_->name);
  const vm::Fiber* f = const_cast<vm::Vm&>(vm_).current_fiber();
  if (f != nullptr && f->owner != nullptr) {
    // An executor worker's fiber: its thread's name.
    return *static_cast<const std::string*>(f->owner);
  }
  return "MainThread";
}

void Loop::write(vm::Vm&, int stream, std::string_view text) {
  if (stream != 2) stream = 1;
  std::string& buf = partial_[stream];
  std::size_t start = 0;
  for (;;) {
    const std::size_t nl = text.find('\n', start);
    if (nl == std::string_view::npos) {
      buf.append(text.substr(start));
      break;
    }
    buf.append(text.substr(start, nl - start));
    const std::string who = current_name();
    if (recorder_.accepting_lines()) recorder_.line(sim_.now(), 0, who + ": " + buf);
    output_.push_back(OutputLine{sim_.now(), who, stream, std::move(buf)});
    buf.clear();
    start = nl + 1;
  }
}

void Loop::note_busy_name() {
  // current_name(), kept as the task's str when a task holds the thread.
  const TaskObj* t = nullptr;
  if (worker_busy_ == 0) t = runner_ == Runner::kTask && running_task_ != nullptr ? running_task_ : current_task_;
  if (t != nullptr) {
    busy_task_name_ = t->name;
    return;
  }
  busy_task_name_ = Value();
  busy_name_ = current_name();
}

std::string Loop::busy_name() const {
  return busy_task_name_.is(Kind::kStr) ? vm::str_of(busy_task_name_) : busy_name_;
}

void Loop::trace(const char* what) {
  if (recorder_.accepting_lines()) recorder_.line(sim_.now(), Recorder::kNoTask, what);
}
void Loop::trace_text(std::string what) {
  if (recorder_.accepting_lines()) recorder_.line(sim_.now(), Recorder::kNoTask, std::move(what));
}

// ------------------------------------------------------------- results ----

std::string Loop::main_state() const {
  if (main_task_.is_none() || main_task_.is_unset()) return ran_ ? "pending" : "none";
  const auto* t = main_task_.as<TaskObj>();
  switch (t->state) {
    case FutState::kPending: return "pending";
    case FutState::kCancelled: return "cancelled";
    case FutState::kFinished: return t->exception.is_none() ? "done" : "failed";
  }
  return "?";
}

std::string Loop::main_result() {
  if (main_task_.is_none() || main_task_.is_unset()) return "";
  auto* t = main_task_.as<TaskObj>();
  std::string out;
  const Value& v = t->state == FutState::kFinished && !t->exception.is_none() ? t->exception : t->result;
  if (t->state == FutState::kCancelled) return "CancelledError()";
  if (!vm::repr_string(vm_, v, &out)) {
    vm_.take_error();
    return "?";
  }
  return out;
}

std::vector<TaskSummary> Loop::task_summaries() {
  std::vector<TaskSummary> out;
  out.reserve(task_records_.size());
  for (std::size_t i = 0; i < task_records_.size(); ++i) {
    const TaskRecord t = task_record(i);
    if (t.internal) continue;
    TaskSummary s;
    s.id = static_cast<std::uint32_t>(i);
    s.name = t.name;
    s.start = t.start;
    s.end = t.end;
    const bool failed = t.state == FutState::kFinished && t.outcome.is(Kind::kException);
    switch (t.state) {
      case FutState::kPending: s.state = t.started ? "running" : "pending"; break;
      case FutState::kCancelled: s.state = "cancelled"; break;
      case FutState::kFinished: s.state = failed ? "failed" : "done"; break;
    }
    if (t.state == FutState::kCancelled) {
      s.result = "CancelledError()";
    } else if (t.state == FutState::kFinished && !vm::repr_string(vm_, t.outcome, &s.result)) {
      vm_.take_error();
      s.result = "?";
    }
    out.push_back(std::move(s));
  }
  return out;
}

void Loop::memory_changed() {
  const MachineProfile& m = options_.machine;
  const std::int64_t workers = static_cast<std::int64_t>(workers_started());
  const std::int64_t resident = memory_.update(m, live_tasks_, options_.socket_per_task, workers);
  if (resident > m.ram_bytes && !limit_hit_) {
    limit_hit_ = LimitHit{"ram", sim_.now(), 1 + workers};
    if (m.on_oom == OnOutOfMemory::kKill && !finished_) {
      // The OOM killer ends the process: every task still running is lost.
      killed_ = true;
      finished_ = true;
      finish_time_ = sim_.now();
      trace("killed: out of memory");
      sim_.stop("killed: resident memory beyond RAM");
    }
  }
}

Metrics Loop::metrics() {
  Metrics out;
  const sim::Time end = finished_ ? finish_time_ : sim_.now();
  out.end_ns = end;
  sim::LatencyRecorder latencies;
  for (std::size_t i = 0; i < task_records_.size(); ++i) {
    const TaskRecord t = task_record(i);
    if (t.is_main || t.internal) continue;
    if (t.state == FutState::kFinished && !t.outcome.is(Kind::kException)) {
      ++out.completed;
      if (t.end >= 0) latencies.record(t.end - t.created);
    } else if (t.state != FutState::kPending || killed_) {
      ++out.failed;
    }
  }
  out.latency = summarize(latencies);
  out.peak_tasks = peak_tasks_;
  memory_.fill(out.memory);
  fill_loop_cpu(out.cpu, end, options_.machine.cores, stats_.busy, stats_.system, worker_cpu_);
  out.context_switches.voluntary = voluntary_switches_;
  out.limit_hit = limit_hit_;
  if (requests_.any()) requests_.fill(out);
  return out;
}

std::size_t Loop::memory_bytes() const { return static_cast<std::size_t>(std::max<std::int64_t>(0, vm::heap_bytes())); }

}  // namespace concsim::models::loop
