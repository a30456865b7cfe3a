#include "app/load/server_python.h"

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <string>
#include <utility>

#include "app/load/python_program.h"
#include "app/load/text.h"

namespace concsim::load {
namespace {

using models::DurationSpec;

// The scaffolding: connection_loop (server.h) as Python.
std::string scaffold(const ServerSpec& s, const Workload& w, const std::string& handler,
                     std::vector<sim::Distribution>* distributions) {
  const bool poisson = s.arrivals == ServerSpec::Arrivals::kPoisson;
  const bool pool = w.model == "pool";
  const std::string conns = std::to_string(w.connections);
  const std::string opening = s.ramp ? "connection * " + std::to_string(*s.ramp) + " // " + conns : "0";
  std::string c;
  c += "import asyncio as __concsim_asyncio\n";
  c += "import __concsim__ as __concsim_x\n";
  c += "async def __concsim_connection(connection):\n";
  // Locals, not globals: the loop below is what every request runs.
  c += "    __concsim_done = __concsim_x.request_done\n";
  c += "    __concsim_handler = " + handler + "\n";
  std::string next;
  if (poisson) {
    DurationSpec gap;
    gap.kind = DurationSpec::Kind::kDistribution;
    gap.distribution = sim::Distribution::exponential(s.poisson_mean_ns);
    distributions->push_back(gap.distribution);
    c += "    __concsim_next = __concsim_x.next_due\n";
    c += "    __concsim_x.start(connection, " + opening + ")\n";
    next = std::to_string(distributions->size() - 1);
  } else {
    c += "    __concsim_next = __concsim_x.next_think\n";
    if (pool) {
      // A pool thread takes the connection from the accept backlog, maybe
      // long after the client connected: its first request is due a think
      // time after the opening, and the time in the backlog counts.
      c += "    __concsim_x.start(connection, " + opening + ")\n";
    } else if (s.ramp) {
      c += "    await __concsim_asyncio.sleep(__concsim_x.ns(" + opening + "))\n";
    }
    // The think time: a constant in nanoseconds, or distribution k as -(k + 1).
    if (s.think_time.kind == DurationSpec::Kind::kDistribution) {
      distributions->push_back(s.think_time.distribution);
      next = std::to_string(-static_cast<std::int64_t>(distributions->size()));
    } else {
      next = std::to_string(std::max<std::int64_t>(0, s.think_time.constant));
    }
  }
  c += "    request = 0\n";
  c += "    while True:\n";
  c += "        if await __concsim_next(connection, request, " + next + "):\n";
  c += "            break\n";
  c += "        try:\n";
  c += "            await __concsim_handler(connection, request)\n";
  c += "            __concsim_done(False)\n";
  c += "        except Exception:\n";
  c += "            __concsim_done(True)\n";
  c += "        request = request + 1\n";
  if (s.requests) {
    c += "        if request >= " + std::to_string(*s.requests) + ":\n";
    c += "            break\n";
  }
  if (pool) {
    c += "async def __concsim_worker(backlog):\n";
    c += "    while True:\n";
    c += "        c = await backlog.get()\n";
    c += "        if c is None:\n";
    c += "            break\n";
    c += "        await __concsim_connection(c)\n";
  }
  // asyncio.run names the main task Task-1; the step language's is "main".
  c += "async def __concsim_main():\n";
  c += "    __concsim_asyncio.current_task().set_name('main')\n";
  c += "    __concsim_tasks = []\n";
  if (pool) {
    // A fixed pool of threads, each serving one connection at a time for
    // its whole life, the others waiting in the accept backlog (server.cc's
    // pool_main).
    const std::string threads = std::to_string(w.pool_threads);
    c += "    __concsim_backlog = __concsim_asyncio.Queue()\n";
    c += "    for i in range(" + conns + "):\n";
    c += "        __concsim_backlog.put_nowait(i)\n";
    c += "    for i in range(" + threads + "):\n";
    c += "        __concsim_backlog.put_nowait(None)\n";
    c += "    for i in range(" + threads + "):\n";
    c += "        __concsim_tasks.append(__concsim_asyncio.create_task(__concsim_worker(__concsim_backlog), "
         "name='worker' + str(i)))\n";
  } else {
    c += "    for i in range(" + conns + "):\n";
    c += "        __concsim_tasks.append(__concsim_asyncio.create_task(__concsim_connection(i), "
         "name='conn' + str(i)))\n";
  }
  c += "    await __concsim_asyncio.gather(*__concsim_tasks)\n";
  c += "__concsim_asyncio.run(__concsim_main())\n";
  return c;
}

// What is wrong with `name` as a handler in the file's top level, or "".
std::string check_function(const vm::ast::Module& m, const std::string& file, const std::string& name) {
  const vm::ast::Stmt* def = nullptr;
  for (const vm::ast::StmtP& st : m.body) {
    if (st->kind == vm::ast::StmtKind::kFunctionDef && st->name == name) def = st.get();
  }
  if (def == nullptr) return file + " has no top-level function " + quote(name);
  const std::string at = file + ":" + std::to_string(def->loc.line);
  if (!def->is_async) {
    return name + " (" + at + ") is not an async function: write it as async def " + name + "(connection, request)";
  }
  const vm::ast::Arguments& a = *def->args;
  const std::size_t positional = a.posonlyargs.size() + a.args.size();
  const std::size_t required = positional - std::min(positional, a.defaults.size());
  std::size_t kw_required = 0;
  for (const vm::ast::ExprP& d : a.kw_defaults) kw_required += d == nullptr ? 1 : 0;
  if (required > 2 || (positional < 2 && a.vararg == nullptr) || kw_required > 0) {
    return name + " (" + at + ") cannot be called with (connection, request): write it as async def " + name +
           "(connection, request)";
  }
  return "";
}

}  // namespace

std::string server_python_unsupported(const ServerSpec& s, const Workload& w) {
  if (w.model == "async+executor") {
    return "a handler written in Python runs under model async, threads or pool, not async+executor (which moves "
           "a YAML handler's blocking steps to the executor; under async a Python handler offloads its own "
           "blocking calls with loop.run_in_executor)";
  }
  if (w.processes > 1) return "a handler written in Python runs in one event loop: loop.processes must be 1";
  if (s.arrivals == ServerSpec::Arrivals::kTimes) {
    return "a handler written in Python takes arrivals: {rate: R} or think_time, not a list of times";
  }
  if (s.arrivals == ServerSpec::Arrivals::kClosed && s.think_time.kind == DurationSpec::Kind::kExpression) {
    return "a handler written in Python takes a think_time that is a duration or a distribution, not an expression";
  }
  return "";
}

std::shared_ptr<const vm::Program> compile_server_python(const ServerSpec& s, const Workload& w,
                                                         const ServerHandler& h,
                                                         std::vector<sim::Distribution>* distributions,
                                                         std::string* function_error) {
  const std::string source = read_python_source(h.file);
  vm::ast::Module user = parse_python(source, h.file);
  *function_error = check_function(user, h.file, h.function);
  if (!function_error->empty()) return nullptr;
  // The file runs as a module imported by the server: its __name__ is its
  // stem, so that a block under `if __name__ == "__main__":` (running it
  // alone under CPython) does not run.
  const std::string stem = std::filesystem::path(h.file).stem().string();
  std::string literal;
  for (const char ch : stem) {
    if (ch == '\\' || ch == '\'') literal += '\\';
    literal += ch;
  }
  const std::string scaffolding = "__name__ = '" + literal + "'\n";
  vm::ast::Module head = parse_python(scaffolding, h.file);
  vm::ast::Module tail = parse_python(scaffold(s, w, h.function, distributions), h.file);
  vm::ast::Module all;
  all.file = h.file;
  for (vm::ast::StmtP& st : head.body) all.body.push_back(std::move(st));
  for (vm::ast::StmtP& st : user.body) all.body.push_back(std::move(st));
  for (vm::ast::StmtP& st : tail.body) all.body.push_back(std::move(st));
  std::shared_ptr<vm::Program> p = compile_python_tree(all, source, h.file);
  // The scaffolding's functions are concsim's own: out of tracebacks.
  for (auto& code : p->codes) {
    if (code->name.rfind("__concsim_", 0) == 0) code->flags |= vm::kHidden;
  }
  return p;
}

}  // namespace concsim::load
