// Test support for the VM library: a Vm with nothing to run (the tests call
// the ops and the builtins directly), a parser of Python literals for the
// inputs, and the oracle: Debian's python3 evaluates the same expressions
// (tests/vm/oracle.py), and each test compares what CPython gives with what
// concsim gives, repr for repr and message for message.
#pragma once

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "models/vm/object.h"  // before ops.h, which uses HashTable
#include "models/vm/ops.h"
#include "models/vm/vm.h"

namespace concsim::vm::testing {

class TestHost : public Host {
 public:
  Value import_module(Vm&, std::string_view) override { return Value::unset(); }
  Value await_native(Vm& vm, Fiber&, const Value&) override {
    return vm.raise(vm.b().RuntimeError, "the library tests cannot await");
  }
  void write(Vm&, int stream, std::string_view text) override { (stream == 2 ? err : out) += text; }
  std::int64_t now_ns() override { return 0; }
  std::string out;
  std::string err;
};

// Python literals for test inputs: a double exactly (float.fromhex), and
// text with every non-ASCII or special character escaped.
std::string py_float(double d);
std::string py_str(std::string_view s);

// Evaluates the expressions with CPython: for each, the repr of its value
// or "!ExceptionName: message". Fails the test if python3 cannot run.
std::vector<std::string> python_eval(const std::vector<std::string>& exprs);

// One comparison: a Python expression and how concsim computes the same.
struct Case {
  std::string py;
  std::function<Value()> eval;
};

class VmTest : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  Vm& vm() { return *vm_; }
  // The repr of v, or "!ExceptionName: message" when v is an error.
  std::string outcome(const Value& v);
  // Evaluates a Python expression with concsim's ops: literals, builtins,
  // calls (with keywords), attributes, methods, subscripts, slices and the
  // operators (no lambdas, no comprehensions, no and/or).
  Value eval(std::string_view text);
  Value lit(std::string_view text) { return eval(text); }
  // The inside of a subscript ("1:3", "::-1", "0") as a slice or an index.
  Value subscript(std::string_view text);
  // Names that eval() sees before the builtins.
  std::map<std::string, Value> vars_;
  Value builtin(std::string_view name);
  // Calls fn(*args, **kwargs).
  Value call(const Value& fn, std::vector<Value> args, std::vector<std::pair<std::string, Value>> kwargs = {});
  Value call_method(const Value& self, std::string_view name, std::vector<Value> args,
                    std::vector<std::pair<std::string, Value>> kwargs = {});
  // Runs every case under both and expects the same outcome; reports the
  // first mismatches with their expressions. Returns the number of mismatches.
  int check(const std::vector<Case>& cases, int max_reports = 20);
  // The same for expressions that eval() computes.
  int check_exprs(const std::vector<std::string>& exprs, int max_reports = 20);

  TestHost host_;

 private:
  Program program_;
  std::unique_ptr<Vm> vm_;
};

}  // namespace concsim::vm::testing
