#include "app/load/server.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "app/load/units.h"

namespace concsim::load {
namespace {

using models::DurationSpec;
using models::FunctionDef;
using models::SourceRef;
using models::Step;
using models::StepKind;
using models::Steps;
using models::SyncKind;
using models::TaskSpec;

// Builds steps that all point at the server section.
class Builder {
 public:
  explicit Builder(SourceRef at) : at_(std::move(at)) {}

  [[nodiscard]] Step step(StepKind kind) const {
    Step s;
    s.kind = kind;
    s.at = at_;
    return s;
  }
  [[nodiscard]] Step set(const std::string& var, const std::string& value) const {
    Step s = step(StepKind::kSet);
    s.assignments.emplace_back(var, value);
    s.assignment_at.push_back(at_);
    return s;
  }
  [[nodiscard]] Step when(const std::string& condition, Steps body) const {
    Step s = step(StepKind::kIf);
    s.expr = condition;
    s.expr_at = at_;
    s.body = std::move(body);
    return s;
  }
  [[nodiscard]] Step break_if(const std::string& condition) const {
    return when(condition, Steps{step(StepKind::kBreak)});
  }
  // Waits for the request due at the instant `due` (an expression, or a
  // constant duration from the start) into `closed`.
  [[nodiscard]] Step arrive_at(DurationSpec due) const {
    Step s = step(StepKind::kArrive);
    s.duration = std::move(due);
    s.expr = "0s";
    s.expr_at = at_;
    s.into = "closed";
    return s;
  }
  // try: handler...; request_done  except Exception: request_done(failed).
  [[nodiscard]] Step attempt(const Steps& handler) const {
    Step s = step(StepKind::kTry);
    s.body = handler;
    s.body.push_back(step(StepKind::kRequestDone));
    models::ExceptClause failed;
    failed.types = {"Exception"};
    failed.at = at_;
    Step done = step(StepKind::kRequestDone);
    done.return_exceptions = true;  // marks the request failed
    failed.steps.push_back(std::move(done));
    s.excepts.push_back(std::move(failed));
    return s;
  }
  // gather of `count` tasks named `name` running `function`, i from 0 to
  // count - 1, each with the arguments `args` (parameter -> expression).
  [[nodiscard]] Step gather_counted(const std::string& name, const std::string& function, const std::string& count,
                                    const std::vector<std::pair<std::string, std::string>>& args = {}) const {
    Step s = step(StepKind::kGather);
    TaskSpec t;
    t.name = name;
    t.function = function;
    for (const auto& arg : args) {
      t.args.push_back(arg);
      t.arg_at.push_back(at_);
    }
    t.count = count;
    t.count_at = at_;
    t.index_var = "i";
    t.at = at_;
    s.tasks.push_back(std::move(t));
    return s;
  }
  // From here on the task draws from the stream `name` of this connection's
  // current request (see models::StepKind::kStream): the index packs the
  // connection (< 2^24) and the request's number on it (< 2^32 assumed).
  [[nodiscard]] Step stream(const std::string& name) const {
    Step s = step(StepKind::kStream);
    s.text = name;
    s.expr = "connection * 4294967296 + request";
    s.expr_at = at_;
    return s;
  }
  [[nodiscard]] const SourceRef& at() const { return at_; }

 private:
  SourceRef at_;
};

// The connection's loop for a closed loop or Poisson arrivals:
//
//   __connection(connection):
//     [sleep: connection * ramp / connections]    # when the client connects
//     request = 0
//     loop:
//       stream arrival                            # draws keyed by (connection, request)
//       arrive think_time into closed             # the client thinks; the server waits for I/O
//       if closed: break                          # past `duration`: the connection closes
//       stream request
//       try: handler...; request_done
//       except Exception: request_done(failed)
//       request = request + 1
//       [if request >= requests: break]
//
// The two streams make the draws common random numbers: request j of
// connection c has the same think time and the same service times whatever
// the model, the task or thread that serves it, the order connections were
// opened in, or the number of draws of the requests before it.
//
// Poisson arrivals (each connection's share of the server's stream is a
// Poisson stream of rate R / connections) replace the think time with an
// instant of their own, whether or not the last request was answered:
//     __due = connection * ramp / connections
//     loop:
//       draw exponential(connections / R) into __gap; __due = __due + __gap
//       arrive at __due into closed
//       ... as above
void connection_loop(const ServerSpec& s, bool pool, const Builder& b, FunctionDef& conn) {
  const bool poisson = s.arrivals == ServerSpec::Arrivals::kPoisson;
  std::string opening = "0s";
  if (s.ramp) opening = "connection * " + format_duration_exact(*s.ramp) + " / connections";
  if (poisson) {
    // Requests arrive from the opening on, pool or not: a connection still
    // in the accept backlog has requests waiting.
    conn.steps.push_back(b.set("__due", opening));
  } else if (pool) {
    // A pool thread takes the connection from the accept backlog, maybe
    // long after the client connected: its first request is due a think
    // time after the opening, and the time in the backlog counts.
    conn.steps.push_back(b.set("since", opening));
  } else if (s.ramp) {
    Step sleep = b.step(StepKind::kSleep);
    sleep.duration.kind = DurationSpec::Kind::kExpression;
    sleep.duration.expression = opening;
    sleep.duration.at = s.ramp_at;
    conn.steps.push_back(std::move(sleep));
  }
  conn.steps.push_back(b.set("request", "0"));
  Step loop = b.step(StepKind::kLoop);
  loop.body.push_back(b.stream("arrival"));
  if (poisson) {
    Step draw = b.step(StepKind::kDraw);
    draw.duration.kind = DurationSpec::Kind::kDistribution;
    draw.duration.distribution = sim::Distribution::exponential(s.poisson_mean_ns);
    draw.duration.at = s.rate_at;
    draw.into = "__gap";
    loop.body.push_back(std::move(draw));
    loop.body.push_back(b.set("__due", "__due + __gap"));
    DurationSpec due;
    due.kind = DurationSpec::Kind::kExpression;
    due.expression = "__due";
    due.at = b.at();
    loop.body.push_back(b.arrive_at(due));
  } else {
    Step arrive = b.step(StepKind::kArrive);
    arrive.duration = s.think_time;
    arrive.into = "closed";
    if (pool) {
      arrive.expr = "since";
      arrive.expr_at = b.at();
    }
    loop.body.push_back(std::move(arrive));
  }
  loop.body.push_back(b.break_if("closed"));
  loop.body.push_back(b.stream("request"));
  loop.body.push_back(b.attempt(s.handler));
  loop.body.push_back(b.set("request", "request + 1"));
  if (pool && !poisson) loop.body.push_back(b.set("since", "now()"));
  if (s.requests) loop.body.push_back(b.break_if("request >= " + std::to_string(*s.requests)));
  conn.steps.push_back(std::move(loop));
}

// `times`: request j at times[j] on connection j mod connections. One
// branch per connection that has arrivals, each its requests in order:
//   request = 0
//   loop:                                   # one pass; break leaves it
//     if connection == c:
//       arrive at t into closed; if closed: break; stream request; try handler...;
//       request = request + 1
//       ... (at most `requests` of them)
//     break
void arrival_list(const ServerSpec& s, std::int64_t connections, const Builder& b, FunctionDef& conn) {
  const Step attempt = b.attempt(s.handler);
  const auto n = static_cast<std::size_t>(connections);
  Step pass = b.step(StepKind::kLoop);
  for (std::size_t c = 0; c < std::min(s.times.size(), n); ++c) {
    Steps branch;
    std::int64_t k = 0;
    for (std::size_t j = c; j < s.times.size(); j += n) {
      DurationSpec due;
      due.kind = DurationSpec::Kind::kConstant;
      due.constant = s.times[j];
      due.at = s.time_at[j];
      branch.push_back(b.arrive_at(due));
      branch.push_back(b.break_if("closed"));
      branch.push_back(b.stream("request"));
      branch.push_back(attempt);
      branch.push_back(b.set("request", "request + 1"));
      if (s.requests && ++k >= *s.requests) break;
    }
    pass.body.push_back(b.when("connection == " + std::to_string(c), std::move(branch)));
  }
  pass.body.push_back(b.step(StepKind::kBreak));
  conn.steps.push_back(b.set("request", "0"));
  conn.steps.push_back(std::move(pass));
}

// model async+executor: every blocking call of the handler runs in the
// loop's executor (loop.run_in_executor), the usual cure for a synchronous
// driver in an async server.
void offload_blocking_calls(Steps& steps) {
  for (Step& s : steps) {
    if (s.kind == StepKind::kBlock) {
      Step call;
      call.kind = StepKind::kExecutor;
      call.at = s.at;
      TaskSpec job;
      job.name = "blocking call";
      job.steps.push_back(s);
      job.at = s.at;
      call.tasks.push_back(std::move(job));
      s = std::move(call);
      continue;
    }
    offload_blocking_calls(s.body);
    offload_blocking_calls(s.else_body);
    offload_blocking_calls(s.exit_body);
    offload_blocking_calls(s.finally_body);
    for (models::ExceptClause& c : s.excepts) offload_blocking_calls(c.steps);
  }
}

// model pool: a fixed pool of threads serves the connections, each thread
// one connection at a time for its whole life (keep-alive), the others
// waiting in the accept backlog, as Apache's worker threads and Tomcat's
// blocking connector do.
//
//   main: put 0 .. connections-1 in __backlog; then one None per thread;
//         gather worker{i} for i in 0..pool-1
//   __worker: loop: get __backlog into c; if c == None: break; call __connection(c)
void pool_main(Workload& w, const Builder& b) {
  w.program.sync.push_back(models::SyncDef{"__backlog", SyncKind::kQueue, 0, b.at()});
  FunctionDef worker;
  worker.name = "__worker";
  worker.at = b.at();
  Step loop = b.step(StepKind::kLoop);
  Step get = b.step(StepKind::kQueueGet);
  get.text = "__backlog";
  get.into = "c";
  loop.body.push_back(std::move(get));
  loop.body.push_back(b.break_if("c == None"));
  Step call = b.step(StepKind::kCall);
  TaskSpec target;
  target.function = kConnectionFunction;
  target.args.emplace_back("connection", "c");
  target.arg_at.push_back(b.at());
  target.at = b.at();
  call.tasks.push_back(std::move(target));
  loop.body.push_back(std::move(call));
  worker.steps.push_back(std::move(loop));
  w.program.functions.push_back(std::move(worker));

  FunctionDef m;
  m.name = "main";
  m.at = b.at();
  auto put_each = [&](const std::string& times, const std::string& item) {
    Step r = b.step(StepKind::kRepeat);
    r.expr = times;
    r.expr_at = b.at();
    r.as = "i";
    Step put = b.step(StepKind::kQueuePut);
    put.text = "__backlog";
    put.expr = item;
    put.expr_at = b.at();
    r.body.push_back(std::move(put));
    return r;
  };
  m.steps.push_back(put_each("connections", "i"));
  m.steps.push_back(put_each(std::to_string(w.pool_threads), "None"));
  m.steps.push_back(b.gather_counted("worker{i}", "__worker", std::to_string(w.pool_threads)));
  w.program.functions.push_back(std::move(m));
}

// main: gather conn{i} for i in 0..connections-1. With loop.processes = N,
// loop p opens connections p, p + N, p + 2N, ... (the runner sets __process
// in each loop; see kProcessVariable).
void connections_main(Workload& w, const Builder& b) {
  FunctionDef m;
  m.name = "main";
  m.at = b.at();
  m.steps.push_back(b.gather_counted("conn{i * __processes + __process}", kConnectionFunction,
                                     "(connections - __process + __processes - 1) / __processes",
                                     {{"connection", "i * __processes + __process"}}));
  w.program.functions.push_back(std::move(m));
}

}  // namespace

std::int64_t steps_per_arrival(std::size_t handler_steps) {
  // arrive, the closed test, the try with its handler and both request_done
  // paths, the count: measured on the compiler's output, rounded up.
  return 16 + 3 * static_cast<std::int64_t>(handler_steps);
}

void build_server(const ServerSpec& s, Workload& w) {
  const Builder b(s.at);
  const bool pool = w.model == "pool";
  FunctionDef conn;
  conn.name = kConnectionFunction;
  conn.params = {"connection"};
  conn.at = s.at;
  if (s.arrivals == ServerSpec::Arrivals::kTimes) {
    arrival_list(s, w.connections, b, conn);
  } else {
    connection_loop(s, pool, b, conn);
  }
  if (w.model == "async+executor") offload_blocking_calls(conn.steps);
  w.program.functions.push_back(std::move(conn));

  w.program.shared.push_back(models::SharedDef{kProcessVariable, "0", s.at});
  const bool loop_model = w.model != "threads" && w.model != "pool";
  w.program.shared.push_back(models::SharedDef{"__processes", std::to_string(loop_model ? w.processes : 1), s.at});
  if (pool) {
    pool_main(w, b);
  } else {
    connections_main(w, b);
  }
}

}  // namespace concsim::load
