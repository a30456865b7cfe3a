// A server workload whose handler is a Python function
// (`handler: {python: app.py, function: handle}`): the server's connections,
// arrivals and request accounting as a Python module of concsim's own (the
// scaffolding), appended to the handler's file and run as a Python program
// is: on the event loop (models/loop), or a thread per connection on the
// thread model (models/threads/thread_host.h). Both provide the module
// `__concsim__` the scaffolding imports. The scaffolding does what
// build_server (server.h) makes of a YAML handler, step for step: the same
// streams of random numbers per (connection, request), so that a handler and
// its Python twin draw the same numbers.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "app/load/server.h"
#include "models/vm/code.h"
#include "sim/random.h"

namespace concsim::load {

struct ServerHandler {
  std::string file;      // the Python file
  std::string function;  // its top-level `async def`
};

// What the server's section asks that the scaffolding cannot do yet, or "".
std::string server_python_unsupported(const ServerSpec& s, const Workload& w);

// The handler's file with the scaffolding, compiled. Throws ConfigError at
// file:line:col for the file's own errors; *function_error says what is wrong
// with the function (missing, not async, not callable with (connection,
// request)), for the caller to report at the `function` key.
std::shared_ptr<const vm::Program> compile_server_python(const ServerSpec& s, const Workload& w,
                                                         const ServerHandler& h,
                                                         std::vector<sim::Distribution>* distributions,
                                                         std::string* function_error);

}  // namespace concsim::load
