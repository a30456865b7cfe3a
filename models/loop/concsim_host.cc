// ConcsimHost: the modules of concsim's own that both models share: `time`
// (the virtual clock), `concsim` (cpu, io, the seeded distributions) and the
// `__concsim__` module of a server whose handler is a Python function
// (app/load/server_python.h). Each model's hooks are its own (the loop's in
// modules.cc, the thread model's in thread_modules.cc).
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

ConcsimHost& host_of(vm::CallArgs& a) { return *static_cast<ConcsimHost*>(a.data); }

// Whether the call has exactly n arguments, all int; raises TypeError(what)
// otherwise (the natives of __concsim__).
bool int_args(vm::Vm& vm, vm::CallArgs& a, std::uint32_t n, const char* what) {
  bool ok = a.nargs == n;
  for (std::uint32_t i = 0; ok && i < n; ++i) ok = a.args[i].is(Kind::kInt);
  if (!ok) vm.raise(vm.b().TypeError, what);
  return ok;
}

// A draw in nanoseconds as the step language rounds it: to the nearest;
// negative and NaN draws are 0.
std::int64_t draw_ns(const sim::Distribution& d, sim::RandomStream& stream) {
  const double x = d.sample(stream);
  if (!(x > 0)) return 0;
  if (x >= 9.2e18) return sim::kTimeMax;
  return static_cast<std::int64_t>(std::nearbyint(x));
}

// A draw returned in seconds: round(d * 1e9) of the result gives the same
// nanoseconds back, so cpu(d) and io(d) use exactly the duration a YAML step
// with this distribution would.
Value draw(vm::CallArgs& a, const sim::Distribution& d) {
  return Value::floating(static_cast<double>(draw_ns(d, host_of(a).draw_stream())) / 1e9);
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
  return host_of(a).time_sleep(ns);
}

// ---- concsim: explicit costs ----

Value c_cpu(vm::Vm& vm, vm::CallArgs& a) {
  double s;
  std::int64_t ns;
  if (!one_duration(vm, a, "cpu", "a number of seconds", "cpu time must be non-negative", &s, &ns)) {
    return Value::error();
  }
  return host_of(a).concsim_cpu(ns);
}

Value c_io(vm::Vm& vm, vm::CallArgs& a) {
  double s;
  std::int64_t ns;
  bool exact;
  if (!one_duration(vm, a, "io", "a number of seconds", "io time must be non-negative", &s, &ns, &exact)) {
    return Value::error();
  }
  return host_of(a).concsim_io(s, ns, exact);
}

// ---- __concsim__: what a server's connection loop needs of its host ----

Value i_request_done(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1) return vm.raise(vm.b().TypeError, "request_done() takes exactly one argument");
  host_of(a).request_done(a.args[0].is(Kind::kBool) && a.args[0].as_int() != 0);
  return Value::none();
}

// start(connection, opening_ns): a Poisson connection's first request is due
// a gap after its opening.
Value i_start(vm::Vm& vm, vm::CallArgs& a) {
  if (!int_args(vm, a, 2, "start() takes a connection and an opening time in nanoseconds")) return Value::error();
  host_of(a).start_due(a.args[0].as_int(), a.args[1].as_int());
  return Value::none();
}

// next_due(connection, request, gap) and next_think(connection, request,
// think): what the connection loop does between two requests, in one call
// (ConcsimHost::next_request).
Value i_next_due(vm::Vm& vm, vm::CallArgs& a) {
  if (!int_args(vm, a, 3, "next_due() takes a connection, a request and a distribution")) return Value::error();
  return host_of(a).next_request(vm, a.args[0].as_int(), a.args[1].as_int(), true, a.args[2].as_int());
}

Value i_next_think(vm::Vm& vm, vm::CallArgs& a) {
  if (!int_args(vm, a, 3, "next_think() takes a connection, a request and a think time")) return Value::error();
  return host_of(a).next_request(vm, a.args[0].as_int(), a.args[1].as_int(), false, a.args[2].as_int());
}

// ns(n): the duration of n nanoseconds (asyncio.sleep of it is exact).
Value i_ns(vm::Vm& vm, vm::CallArgs& a) {
  if (a.nargs != 1 || !a.args[0].is(Kind::kInt)) return vm.raise(vm.b().TypeError, "ns() takes an integer");
  return Value::duration(a.args[0].as_int());
}

}  // namespace


namespace {
void add_natives(vm::Vm& vm, const Value& m, std::initializer_list<std::pair<const char*, vm::NativeFn>> natives,
                 ConcsimHost* host) {
  for (const auto& [name, fn] : natives) vm.set_module_attr(m, name, vm.make_builtin(name, fn, host));
}
}  // namespace

Value ConcsimHost::build_time(vm::Vm& vm) {
  Value m = vm.make_module("time");
  add_natives(vm, m,
              {{"time", t_time},
               {"monotonic", t_time},
               {"perf_counter", t_time},
               {"process_time", t_time},
               {"thread_time", t_time},
               {"time_ns", t_time_ns},
               {"monotonic_ns", t_time_ns},
               {"perf_counter_ns", t_time_ns},
               {"process_time_ns", t_time_ns},
               {"thread_time_ns", t_time_ns},
               {"sleep", t_sleep}},
              this);
  return m;
}

Value ConcsimHost::build_concsim(vm::Vm& vm) {
  Value m = vm.make_module("concsim");
  add_natives(vm, m,
              {{"cpu", c_cpu},
               {"io", c_io},
               {"ns", i_ns},
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
  if (!server_runner(&runner)) return vm.raise(vm.b().RuntimeError, "concsim: a server's next request outside a task");
  if (connection < 0) return vm.raise(vm.b().IndexError, "concsim: no connection " + std::to_string(connection));
  const bool opened = static_cast<std::size_t>(connection) < due_.size() &&
                      due_[static_cast<std::size_t>(connection)] != kNotOpened;
  if (poisson && !opened) {
    return vm.raise(vm.b().RuntimeError,
                    "concsim: next_due() before start() of connection " + std::to_string(connection));
  }
  const std::vector<sim::Distribution>& distributions = server_distributions();
  const std::int64_t d = poisson ? k : -(k + 1);  // the distribution drawn, if any
  if ((poisson || k < 0) && static_cast<std::size_t>(d) >= distributions.size()) {
    return vm.raise(vm.b().IndexError, "concsim: the server has no distribution " + std::to_string(d));
  }
  // The index of the request in its streams, as the step language's server
  // packs it (app/load/server.cc): the connection (< 2^24), then its request.
  const std::uint64_t index = (static_cast<std::uint64_t>(connection) << 32) + static_cast<std::uint64_t>(request);
  sim::RandomStream& draws = draw_stream();
  draws = sim_of_host_.stream("arrival", index);
  // A think time counts from now, or for the first request of a connection
  // that start() opened (a pool's, taken from the accept backlog) from its
  // opening.
  sim::Time base = !poisson && request == 0 && opened ? due_[static_cast<std::size_t>(connection)] : sim_of_host_.now();
  std::int64_t wait = k;
  if (poisson || k < 0) wait = draw_ns(distributions[static_cast<std::size_t>(d)], draws);
  if (poisson) {
    sim::Time& due = due_[static_cast<std::size_t>(connection)];
    if (!sim::checked_add(due, wait, &due)) due = sim::kTimeMax;
    base = 0;
    wait = due;
  }
  draws = sim_of_host_.stream("request", index);
  return request_awaitable(server_requests().arriving(runner, sim_of_host_.now(), base, wait));
}

void ConcsimHost::request_done(bool failed) {
  std::uint32_t runner;
  if (server_runner(&runner)) server_requests().done(runner, sim_of_host_.now(), failed);
}

}  // namespace concsim::models::loop
