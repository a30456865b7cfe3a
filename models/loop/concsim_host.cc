// A server whose handler is a Python function, under either model: the
// `__concsim__` module its connection loop imports (app/load/server_python.h;
// ConcsimHost), and concsim's seeded distributions (concsim.exponential & co).
#include <algorithm>
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

const std::vector<Value>& seq_items(const Value& v) {
  return v.is(Kind::kList) ? v.as<vm::ListObj>()->items : v.as<vm::TupleObj>()->items;
}

// A draw in nanoseconds as the step language rounds it (to the nearest;
// negative and NaN draws are 0), returned in seconds: round(d * 1e9) of the
// result gives the same nanoseconds back, so cpu(d) and io(d) use exactly
// the duration a YAML step with this distribution would.
Value draw(vm::CallArgs& a, const sim::Distribution& d) {
  const double x = d.sample(static_cast<ConcsimHost*>(a.data)->draw_stream());
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
  return draw(a, sim::Distribution::exponential(static_cast<double>(mean)));
}

Value d_uniform(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "uniform");
  std::int64_t lo, hi;
  if (!args.at_most(2) || !duration_arg(vm, a, args, 0, "low", 0, &lo) || !duration_arg(vm, a, args, 1, "high", 0, &hi)) {
    return Value::error();
  }
  if (hi < lo) return vm.raise(vm.b().ValueError, "high must not be below low");
  return draw(a, sim::Distribution::uniform(static_cast<double>(lo), static_cast<double>(hi)));
}

Value d_normal(vm::Vm& vm, vm::CallArgs& a) {
  Args args(vm, a, "normal");
  std::int64_t mean, sd;
  if (!args.at_most(2) || !duration_arg(vm, a, args, 0, "mean", 0, &mean) || !duration_arg(vm, a, args, 1, "sd", 0, &sd)) {
    return Value::error();
  }
  return draw(a, sim::Distribution::normal(static_cast<double>(mean), static_cast<double>(sd)));
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
  return draw(a, sim::Distribution::lognormal(std::log(static_cast<double>(median)), sigma));
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
  return draw(a, sim::Distribution::empirical(std::move(v), std::move(w)));
}

ConcsimHost& side(vm::CallArgs& a) { return *static_cast<ConcsimHost*>(a.data); }

// ---- time: the virtual clock ----

Value t_time(vm::Vm& vm, vm::CallArgs&) { return Value::floating(static_cast<double>(vm.host().now_ns()) / 1e9); }
Value t_time_ns(vm::Vm& vm, vm::CallArgs&) { return Value::integer(vm.host().now_ns()); }
// The one argument of sleep, cpu and io: a non-negative duration (`what`
// names its type in the TypeError); false after raise.
bool one_duration(vm::Vm& vm, vm::CallArgs& a, const char* fn, const char* what, const char* negative, double* s,
                  std::int64_t* ns, bool* exact = nullptr) {
  Args args(vm, a, fn);
  if (!args.exactly(1) || !args.seconds(a.args[0], what, s, ns, exact)) return false;
  if (*ns < 0) {
    vm.raise(vm.b().ValueError, negative);
    return false;
  }
  return true;
}

Value t_sleep(vm::Vm& vm, vm::CallArgs& a) {
  double s;
  std::int64_t ns;
  if (!one_duration(vm, a, "sleep", "an integer", "sleep length must be non-negative", &s, &ns)) return Value::error();
  return side(a).time_sleep(ns);
}

// ---- concsim: explicit costs ----

Value c_cpu(vm::Vm& vm, vm::CallArgs& a) {
  double s;
  std::int64_t ns;
  if (!one_duration(vm, a, "cpu", "a number of seconds", "cpu time must be non-negative", &s, &ns)) {
    return Value::error();
  }
  return side(a).concsim_cpu(ns);
}

Value c_io(vm::Vm& vm, vm::CallArgs& a) {
  double s;
  std::int64_t ns;
  bool exact;
  if (!one_duration(vm, a, "io", "a number of seconds", "io time must be non-negative", &s, &ns, &exact)) {
    return Value::error();
  }
  return side(a).concsim_io(s, ns, exact);
}

// ---- __concsim__: what a server's connection loop needs of its host ----

Value i_request_done(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "request_done() takes exactly one argument");
  side(a).request_done(a.args[0].is(Kind::kBool) && a.args[0].as_int() != 0);
  return Value::none();
}

// start(connection, opening_ns): a Poisson connection's first request is due
// a gap after its opening.
Value i_start(vm::Vm& vm, vm::CallArgs& a) {
  if (!int_args(vm, a, 2, "start() takes a connection and an opening time in nanoseconds")) return Value::error();
  side(a).start_due(a.args[0].as_int(), a.args[1].as_int());
  return Value::none();
}

// next_due(connection, request, gap) and next_think(connection, request,
// think): what the connection loop does between two requests, in one call
// (ConcsimHost::next_request).
Value i_next_due(vm::Vm& vm, vm::CallArgs& a) {
  if (!int_args(vm, a, 3, "next_due() takes a connection, a request and a distribution")) return Value::error();
  return side(a).next_request(vm, a.args[0].as_int(), a.args[1].as_int(), true, a.args[2].as_int());
}

Value i_next_think(vm::Vm& vm, vm::CallArgs& a) {
  if (!int_args(vm, a, 3, "next_think() takes a connection, a request and a think time")) return Value::error();
  return side(a).next_request(vm, a.args[0].as_int(), a.args[1].as_int(), false, a.args[2].as_int());
}

// ns(n): the duration of n nanoseconds (asyncio.sleep of it is exact).
Value i_ns(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1 || !a.args[0].is(Kind::kInt)) return vm.raise(vm.b().TypeError, "ns() takes an integer");
  return Value::duration(a.args[0].as_int());
}

}  // namespace

bool int_args(vm::Vm& vm, vm::CallArgs& a, std::uint32_t n, const char* what) {
  bool ok = a.nargs == n;
  for (std::uint32_t i = 0; ok && i < n; ++i) ok = a.args[i].is(Kind::kInt);
  if (!ok) vm.raise(vm.b().TypeError, what);
  return ok;
}

namespace {
void add_natives(vm::Vm& vm, const Value& m, std::initializer_list<std::pair<const char*, vm::NativeFn>> natives,
                 ConcsimHost* host) {
  for (const auto& [name, fn] : natives) vm.set_module_attr(m, name, vm.make_builtin(name, fn, host));
}
}  // namespace

Value ConcsimHost::build_time(vm::Vm& vm) {
  Value m = vm.make_module("time");
  for (const char* n : {"time", "monotonic", "perf_counter", "process_time", "thread_time"}) {
    add_natives(vm, m, {{n, t_time}}, this);
  }
  for (const char* n : {"time_ns", "monotonic_ns", "perf_counter_ns", "process_time_ns", "thread_time_ns"}) {
    add_natives(vm, m, {{n, t_time_ns}}, this);
  }
  add_natives(vm, m, {{"sleep", t_sleep}}, this);
  return m;
}

Value ConcsimHost::build_concsim(vm::Vm& vm) {
  Value m = vm.make_module("concsim");
  add_natives(vm, m,
              {{"cpu", c_cpu},
               {"io", c_io},
               {"exponential", d_exponential},
               {"uniform", d_uniform},
               {"normal", d_normal},
               {"lognormal", d_lognormal},
               {"empirical", d_empirical}},
              this);
  return m;
}

Value ConcsimHost::build_intrinsics(vm::Vm& vm) {
  Value m = vm.make_module("__concsim__");
  add_natives(vm, m,
              {{"request_done", i_request_done},
               {"ns", i_ns},
               {"start", i_start},
               {"next_due", i_next_due},
               {"next_think", i_next_think}},
              this);
  return m;
}

void ConcsimHost::start_due(std::int64_t connection, sim::Time opening) {
  if (connection < 0) return;
  const auto c = static_cast<std::size_t>(connection);
  if (due_.size() <= c) due_.resize(c + 1, kNotOpened);
  due_[c] = std::max<sim::Time>(0, opening);
}

Value ConcsimHost::next_request(vm::Vm& vm, std::int64_t connection, std::int64_t request, bool poisson, std::int64_t k) {
  std::uint32_t runner;
  const bool opened = connection >= 0 && static_cast<std::size_t>(connection) < due_.size() &&
                      due_[static_cast<std::size_t>(connection)] != kNotOpened;
  if (!server_runner(&runner) || connection < 0 || (poisson && !opened)) {
    return vm.raise(vm.b().RuntimeError, "concsim: a server's next request outside its connection");
  }
  // The index of the request in its streams, as the step language's server
  // packs it (app/load/server.cc): the connection (< 2^24), then its request.
  const std::uint64_t index = (static_cast<std::uint64_t>(connection) << 32) + static_cast<std::uint64_t>(request);
  sim::RandomStream& draws = draw_stream();
  draws = server_sim_.stream("arrival", index);
  // A draw in nanoseconds as the step language rounds it (negative and NaN
  // draws are 0), or -1: no such distribution.
  auto sample = [&](std::int64_t d) -> std::int64_t {
    if (d < 0 || static_cast<std::size_t>(d) >= distributions_.size()) return -1;
    const double x = distributions_[static_cast<std::size_t>(d)].sample(draws);
    if (!(x > 0)) return 0;
    if (x >= 9.2e18) return sim::kTimeMax;
    return static_cast<std::int64_t>(std::nearbyint(x));
  };
  // A think time counts from now, or for the first request of a connection
  // that start() opened (a pool's, taken from the accept backlog) from its
  // opening.
  sim::Time base = !poisson && request == 0 && opened ? due_[static_cast<std::size_t>(connection)] : server_sim_.now();
  std::int64_t wait = k;
  if (poisson || k < 0) {
    wait = sample(poisson ? k : -(k + 1));
    if (wait < 0) return vm.raise(vm.b().IndexError, "concsim: no such distribution of the server");
  }
  if (poisson) {
    sim::Time& due = due_[static_cast<std::size_t>(connection)];
    if (!sim::checked_add(due, wait, &due)) due = sim::kTimeMax;
    base = 0;
    wait = due;
  }
  draws = server_sim_.stream("request", index);
  return request_awaitable(server_requests_.arriving(runner, server_sim_.now(), base, wait));
}

void ConcsimHost::request_done(bool failed) {
  std::uint32_t runner;
  if (server_runner(&runner)) server_requests_.done(runner, server_sim_.now(), failed);
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

bool Loop::server_runner(std::uint32_t* id) {
  if (current_task_ == nullptr) return false;
  *id = current_task_->id;
  return true;
}

Value Loop::request_awaitable(sim::Duration left) {
  if (left < 0) {
    // Past the server's stop time: the connection closes instead.
    Value f = new_future();
    future_set_result(f.as<FutureObj>(), Value::boolean(true));
    return f;
  }
  return make_native_coro(NativeCoro::What::kIo, static_cast<double>(left) / 1e9, left, true, Value::none());
}

}  // namespace concsim::models::loop
