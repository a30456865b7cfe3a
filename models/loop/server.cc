// A server workload's side of the event loop, and concsim's seeded
// distributions: the `__concsim__` module that the scaffolding of a server
// whose handler is a Python function imports (app/load/server_python.h), and
// concsim.exponential & co.
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "models/loop/loop.h"
#include "models/loop/natives.h"
#include "models/vm/ops.h"

namespace concsim::models::loop {

using vm::Kind;
using vm::Value;

namespace {

Loop& loop_of(vm::Vm& vm) { return *running_loop(vm); }

const std::vector<Value>& seq_items(const Value& v) {
  return v.is(Kind::kList) ? v.as<vm::ListObj>()->items : v.as<vm::TupleObj>()->items;
}

// A draw in nanoseconds as the step language rounds it (to the nearest;
// negative and NaN draws are 0), returned in seconds: round(d * 1e9) of the
// result gives the same nanoseconds back, so cpu(d) and io(d) use exactly
// the duration a YAML step with this distribution would.
Value draw(vm::Vm& vm, vm::CallArgs& a, const sim::Distribution& d) {
  const double x = d.sample(static_cast<const DrawSource*>(a.data)->stream(vm));
  std::int64_t ns = 0;
  if (x >= 9.2e18) {
    ns = sim::kTimeMax;
  } else if (x > 0) {
    ns = static_cast<std::int64_t>(std::nearbyint(x));
  }
  return Value::floating(static_cast<double>(ns) / 1e9);
}

bool duration_arg(vm::Vm& vm, vm::CallArgs& a, Args& args, std::uint32_t i, const char* name, std::int64_t min,
                  std::int64_t* ns) {
  const Value v = args.get(i, name);
  if (v.is_unset()) {
    vm.raise(vm.b().TypeError, std::string("missing required argument '") + name + "'");
    return false;
  }
  double s;
  if (!args.seconds(v, "a number of seconds", &s, ns)) return false;
  (void)a;
  if (*ns < min) {
    vm.raise(vm.b().ValueError, std::string(name) + " must be " + (min > 0 ? "positive" : "non-negative"));
    return false;
  }
  return true;
}

Value d_exponential(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "exponential");
  std::int64_t mean;
  if (!args.at_most(1) || !duration_arg(vm, a, args, 0, "mean", 1, &mean)) return Value::error();
  return draw(vm, a, sim::Distribution::exponential(static_cast<double>(mean)));
}

Value d_uniform(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "uniform");
  std::int64_t lo, hi;
  if (!args.at_most(2) || !duration_arg(vm, a, args, 0, "low", 0, &lo) || !duration_arg(vm, a, args, 1, "high", 0, &hi)) {
    return Value::error();
  }
  if (hi < lo) return vm.raise(vm.b().ValueError, "high must not be below low");
  return draw(vm, a, sim::Distribution::uniform(static_cast<double>(lo), static_cast<double>(hi)));
}

Value d_normal(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "normal");
  std::int64_t mean, sd;
  if (!args.at_most(2) || !duration_arg(vm, a, args, 0, "mean", 0, &mean) || !duration_arg(vm, a, args, 1, "sd", 0, &sd)) {
    return Value::error();
  }
  return draw(vm, a, sim::Distribution::normal(static_cast<double>(mean), static_cast<double>(sd)));
}

Value d_lognormal(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "lognormal");
  std::int64_t median;
  if (!args.at_most(2) || !duration_arg(vm, a, args, 0, "median", 1, &median)) return Value::error();
  const Value sv = args.get(1, "sigma");
  if (sv.is_unset()) return vm.raise(vm.b().TypeError, "missing required argument 'sigma'");
  double sigma;
  if (sv.is(Kind::kFloat)) {
    sigma = sv.as_float();
  } else if (sv.is(Kind::kInt)) {
    sigma = static_cast<double>(sv.as_int());
  } else {
    return vm.raise(vm.b().TypeError, "sigma must be a number");
  }
  if (!(sigma >= 0 && sigma <= 10)) return vm.raise(vm.b().ValueError, "sigma must be from 0 to 10");
  return draw(vm, a, sim::Distribution::lognormal(std::log(static_cast<double>(median)), sigma));
}

Value d_empirical(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "empirical");
  if (!args.at_most(2)) return Value::error();
  const Value values = args.get(0, "values");
  const Value weights = args.get(1, "weights", Value::none());
  if (!values.is(Kind::kList) && !values.is(Kind::kTuple)) return vm.raise(vm.b().TypeError, "values must be a list");
  const std::vector<Value>& vs = seq_items(values);
  if (vs.empty()) return vm.raise(vm.b().ValueError, "values must not be empty");
  std::vector<double> v, w;
  for (const Value& x : vs) {
    double s;
    std::int64_t ns;
    if (!args.seconds(x, "a number of seconds", &s, &ns)) return Value::error();
    if (ns < 0) return vm.raise(vm.b().ValueError, "values must be non-negative");
    v.push_back(static_cast<double>(ns));
  }
  if (weights.is_none()) {
    w.assign(v.size(), 1.0);
  } else {
    if (!weights.is(Kind::kList) && !weights.is(Kind::kTuple)) return vm.raise(vm.b().TypeError, "weights must be a list");
    double sum = 0;
    for (const Value& x : seq_items(weights)) {
      double s;
      if (x.is(Kind::kFloat)) {
        s = x.as_float();
      } else if (x.is(Kind::kInt)) {
        s = static_cast<double>(x.as_int());
      } else {
        return vm.raise(vm.b().TypeError, "weights must be numbers");
      }
      if (!(s >= 0) || std::isinf(s)) return vm.raise(vm.b().ValueError, "weights must be finite and non-negative");
      sum += s;
      w.push_back(s);
    }
    if (w.size() != v.size()) return vm.raise(vm.b().ValueError, "one weight per value");
    if (!(sum > 0)) return vm.raise(vm.b().ValueError, "the weights must not all be 0");
  }
  return draw(vm, a, sim::Distribution::empirical(std::move(v), std::move(w)));
}

// ---- __concsim__: what a server's scaffolding needs of the loop ----

Value i_request_done(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "request_done() takes exactly one argument");
  loop_of(vm).request_done(a.args[0].is(Kind::kBool) && a.args[0].as_int() != 0);
  return Value::none();
}

// start(connection, opening_ns): a Poisson connection's first request is due
// a gap after its opening.
Value i_start(vm::Vm& vm, vm::CallArgs& a) {
  if (!int_args(vm, a, 2, "start() takes a connection and an opening time in nanoseconds")) return Value::error();
  loop_of(vm).start_due(a.args[0].as_int(), a.args[1].as_int());
  return Value::none();
}

// next_due(connection, request, gap) and next_think(connection, request,
// think): what the connection loop does between two requests, in one call
// (Loop::next_due). Awaiting the result returns None when the request has
// come, True once the server has stopped.
Value i_next_due(vm::Vm& vm, vm::CallArgs& a) {
  if (!int_args(vm, a, 3, "next_due() takes a connection, a request and a distribution")) return Value::error();
  return loop_of(vm).next_due(a.args[0].as_int(), a.args[1].as_int(), a.args[2].as_int());
}

Value i_next_think(vm::Vm& vm, vm::CallArgs& a) {
  if (!int_args(vm, a, 3, "next_think() takes a connection, a request and a think time")) return Value::error();
  return loop_of(vm).next_think(a.args[0].as_int(), a.args[1].as_int(), a.args[2].as_int());
}

// ns(n): the duration of n nanoseconds (asyncio.sleep of it is exact).
Value i_ns(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1 || !a.args[0].is(Kind::kInt)) return vm.raise(vm.b().TypeError, "ns() takes an integer");
  return Value::duration(a.args[0].as_int());
}

void add(vm::Vm& vm, const Value& m, const char* name, vm::NativeFn fn) {
  vm.set_module_attr(m, name, vm.make_builtin(name, fn));
}

}  // namespace

bool int_args(vm::Vm& vm, vm::CallArgs& a, std::uint32_t n, const char* what) {
  bool ok = a.nargs == n;
  for (std::uint32_t i = 0; ok && i < n; ++i) ok = a.args[i].is(Kind::kInt);
  if (!ok) vm.raise(vm.b().TypeError, what);
  return ok;
}

void add_distributions(vm::Vm& vm, const Value& m, const DrawSource* source) {
  void* data = const_cast<DrawSource*>(source);
  for (const auto& [name, fn] : {std::pair<const char*, vm::NativeFn>{"exponential", d_exponential},
                                 {"uniform", d_uniform},
                                 {"normal", d_normal},
                                 {"lognormal", d_lognormal},
                                 {"empirical", d_empirical}}) {
    vm.set_module_attr(m, name, vm.make_builtin(name, fn, data));
  }
}

const DrawSource Loop::kDraws{[](vm::Vm& vm) -> sim::RandomStream& { return loop_of(vm).draw_stream(); }};

Value Loop::build_intrinsics() {
  Value m = vm_.make_module("__concsim__");
  add(vm_, m, "request_done", i_request_done);
  add(vm_, m, "ns", i_ns);
  add(vm_, m, "start", i_start);
  add(vm_, m, "next_due", i_next_due);
  add(vm_, m, "next_think", i_next_think);
  return m;
}

sim::RandomStream& Loop::draw_stream() {
  if (current_task_ != nullptr && worker_busy_ == 0) {
    TaskObj* t = current_task_;
    if (!t->has_rng) {
      t->rng = sim_.stream("task", t->id);
      t->has_rng = true;
    }
    return t->rng;
  }
  if (!has_loop_rng_) {
    loop_rng_ = sim_.stream("loop");
    has_loop_rng_ = true;
  }
  return loop_rng_;
}

Value Loop::arrive(sim::Duration wait, sim::Time base) {
  TaskObj* t = current_task_;
  if (t == nullptr) return vm_.raise(vm_.b().RuntimeError, "concsim: arrive() outside a task");
  const sim::Duration left = requests_.arriving(t->id, sim_.now(), base, wait);
  if (left < 0) {
    // Past the server's stop time: the connection closes instead.
    Value f = new_future();
    future_set_result(f.as<FutureObj>(), Value::boolean(true));
    return f;
  }
  return make_native_coro(NativeCoro::What::kIo, static_cast<double>(left) / 1e9, left, true, Value::none());
}

Value Loop::sample_ns(std::int64_t k) {
  if (k < 0 || static_cast<std::size_t>(k) >= options_.distributions.size()) {
    return vm_.raise(vm_.b().IndexError, "concsim: no distribution " + std::to_string(k));
  }
  const double x = options_.distributions[static_cast<std::size_t>(k)].sample(draw_stream());
  if (!(x > 0)) return Value::integer(0);
  if (x >= 9.2e18) return Value::integer(sim::kTimeMax);
  return Value::integer(static_cast<std::int64_t>(std::nearbyint(x)));
}

namespace {
// The index of a connection's request in its streams: the connection
// (< 2^24) and the request's number on it, as the step language's server
// packs them (app/load/server.cc).
std::uint64_t stream_index(std::int64_t connection, std::int64_t request) {
  return (static_cast<std::uint64_t>(connection) << 32) + static_cast<std::uint64_t>(request);
}
}  // namespace

void Loop::start_due(std::int64_t connection, sim::Time opening) {
  if (connection < 0) return;
  const auto c = static_cast<std::size_t>(connection);
  if (server_due_.size() <= c) server_due_.resize(c + 1, 0);
  server_due_[c] = opening;
}

Value Loop::next_due(std::int64_t connection, std::int64_t request, std::int64_t gap) {
  if (connection < 0 || static_cast<std::size_t>(connection) >= server_due_.size()) {
    return vm_.raise(vm_.b().IndexError, "concsim: next_due() before start() of connection " + std::to_string(connection));
  }
  draw_stream() = sim_.stream("arrival", stream_index(connection, request));
  Value d = sample_ns(gap);
  if (d.is_error()) return d;
  sim::Time& due = server_due_[static_cast<std::size_t>(connection)];
  if (!sim::checked_add(due, d.as_int(), &due)) due = sim::kTimeMax;
  draw_stream() = sim_.stream("request", stream_index(connection, request));
  return arrive(due, 0);
}

Value Loop::next_think(std::int64_t connection, std::int64_t request, std::int64_t think) {
  draw_stream() = sim_.stream("arrival", stream_index(connection, request));
  std::int64_t wait = think;
  if (think < 0) {
    Value d = sample_ns(-(think + 1));
    if (d.is_error()) return d;
    wait = d.as_int();
  }
  draw_stream() = sim_.stream("request", stream_index(connection, request));
  return arrive(wait, sim_.now());
}

void Loop::request_done(bool failed) {
  if (current_task_ != nullptr) requests_.done(current_task_->id, sim_.now(), failed);
}

}  // namespace concsim::models::loop
