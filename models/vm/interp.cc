// The interpreter loop: CPython 3.11's ceval.c semantics over concsim's
// bytecode (code.h), with frames on fibers instead of the C stack.
//
// execute() runs the fiber's top frame. A call of Python code pushes a frame
// and continues in it; a return pops it and hands the value to the frame
// below as its Link says (a call's result, an await's result, a generator's
// next item ...). An exception unwinds frame by frame through each code's
// exception table; a frame with no handler for it is popped and the
// exception continues in the frame below, at the instruction that called.
#include <string>
#include <utility>
#include <vector>

#include "models/vm/interp.h"
#include "models/vm/library.h"
#include "models/vm/ops.h"
#include "sim/check.h"

namespace concsim::vm {

Value Interp::current_exception(const Fiber& fiber) {
  for (const Frame* f = fiber.top; f != nullptr; f = f->back) {
    if (f->gen != nullptr && !f->exc_slot.is_none() && !f->exc_slot.is_unset()) return f->exc_slot;
    if (f->gen == nullptr && f->back == nullptr && f->exc_item != nullptr && f->exc_item != &fiber.base_exc) {
      // A nested fiber's bottom frame shares its base item.
    }
  }
  if (!fiber.base_exc.is_none() && !fiber.base_exc.is_unset()) return fiber.base_exc;
  return Value::none();
}

void Interp::set_context(Vm& vm, const Value& exc) {
  if (vm.current_ == nullptr || !exc.is(Kind::kException)) return;
  Value handled = current_exception(*vm.current_);
  if (!handled.is(Kind::kException) || handled.same(exc)) return;
  // Break a cycle: the new exception must not appear in the handled one's
  // context chain (Python/errors.c _PyErr_SetObject).
  Value o = handled;
  while (o.is(Kind::kException)) {
    Value next = o.as<ExceptionObj>()->context;
    if (next.same(exc)) {
      o.as<ExceptionObj>()->context = Value::none();
      break;
    }
    o = std::move(next);
  }
  exc.as<ExceptionObj>()->context = handled;
}

void Interp::add_traceback(const Value& exc, const Frame* f) {
  if (!exc.is(Kind::kException) || f == nullptr) return;
  exc.as<ExceptionObj>()->traceback.push_back(TracebackEntry{f->code, f->code->line_at(lasti(f))});
}

namespace {

// Pops a frame that has finished (returned or raised) off the fiber and
// frees it, or leaves a generator's frame to its generator.
void pop_frame(Fiber& fiber, Frame* f) {
  fiber.top = f->back;
  --fiber.depth;
  f->back = nullptr;
  if (f->gen != nullptr) {
    GenObj* g = f->gen;
    g->state = GenState::kClosed;
    g->frame = nullptr;
    g->running_async = false;
    const bool bottom = f->link == Link::kBottom;
    Frame::destroy(f);
    if (bottom) decref(g);  // start_coroutine's reference
    return;
  }
  Frame::destroy(f);
}

// A generator's frame leaves the fiber, suspended at a yield.
void detach_frame(Fiber& fiber, Frame* f) {
  fiber.top = f->back;
  --fiber.depth;
  f->back = nullptr;
  if (f->gen != nullptr) {
    f->gen->state = GenState::kSuspended;
    f->gen->running_async = false;
  }
}

bool is_exc_class(const Vm& vm, const Value& v) { return vm.is_subclass(v, vm.b().BaseException); }

// A native of the model (BuiltinObj::timed), bound or not.
bool is_timed(const Value& callable) {
  if (callable.is(Kind::kBuiltin)) return callable.as<BuiltinObj>()->timed;
  if (callable.is(Kind::kMethod)) {
    const Value& fn = callable.as<MethodObj>()->func;
    return fn.is(Kind::kBuiltin) && fn.as<BuiltinObj>()->timed;
  }
  return false;
}

// For `except T`: T is a class derived from BaseException or a tuple of such.
int exception_matches(Vm& vm, const Value& exc, const Value& type) {
  if (type.is(Kind::kTuple)) {
    for (const Value& t : type.as<TupleObj>()->items) {
      const int r = exception_matches(vm, exc, t);
      if (r != 0) return r;
    }
    return 0;
  }
  if (!is_exc_class(vm, type)) {
    vm.raise(vm.b().TypeError, "catching classes that do not inherit from BaseException is not allowed");
    return -1;
  }
  return vm.isinstance(exc, type) ? 1 : 0;
}

}  // namespace

RunResult Interp::execute(Vm& vm, Fiber& fiber, bool unwinding) {
  const Builtins& B = vm.b();
  Frame* f = fiber.top;
  const Code* co = f->code;
  Value* st = f->stack();
  std::uint32_t sp = f->sp;
  const Value* consts = f->consts;
  const Value* names = f->names;
  bool reraise = false;  // the exception in flight needs no new traceback entry

// Keeps the cached registers of the frame in step with the frame.
#define SYNC() (f->sp = sp)
#define LOAD_FRAME()                                   \
  do {                                                 \
    f = fiber.top;                                     \
    co = f->code;                                      \
    st = f->stack();                                   \
    sp = f->sp;                                        \
    consts = f->consts;                                \
    names = f->names;                                  \
  } while (false)
#define PUSH(v) (st[sp++] = (v))
#define POP() (std::move(st[--sp]))
#define TOP() (st[sp - 1])
#define PEEK(n) (st[sp - (n)])
// Before the model acts (a native of its, an await on its object): with
// instructions run since the last charge besides this one, the fiber stops
// at this instruction for the model to charge them (RunStatus::kCharge) and
// runs it again when resumed. The instruction is counted once: at its rerun.
#define CHARGE_BEFORE()                                                            \
  do {                                                                             \
    if (vm.options_.charge_ops && vm.nested_ == 0 && vm.charged_at_ - vm.budget_ > 1) { \
      ++vm.budget_;                                                                \
      --f->pc;                                                                     \
      SYNC();                                                                      \
      fiber.charging = true;                                                       \
      fiber.budget_left = vm.budget_;                                              \
      return RunResult{RunStatus::kCharge, Value()};                               \
    }                                                                              \
  } while (false)
#define DROP(n)                                          \
  do {                                                   \
    for (std::uint32_t d_ = 0; d_ < (n); ++d_) st[--sp] = Value::unset(); \
  } while (false)

  if (unwinding) {
    reraise = true;  // run() added the entry for the frame it was thrown into
    goto error;
  }

  for (;;) {
    if (vm.budget_ == 0) {
      SYNC();
      return RunResult{RunStatus::kRunaway, Value()};
    }
    --vm.budget_;
    if (vm.has_finalizers()) [[unlikely]] {
      SYNC();
      vm.run_finalizers();
    }
    {
      const Instr in = co->code[f->pc++];
      switch (in.op) {
        case Op::kNop:
          break;
        case Op::kPopTop:
          DROP(1);
          break;
        case Op::kCopy: {
          Value v = PEEK(in.arg);
          PUSH(std::move(v));
          break;
        }
        case Op::kSwap:
          std::swap(st[sp - 1], st[sp - in.arg]);
          break;
        case Op::kPushNull:
          PUSH(Value::unset());
          break;
        case Op::kLoadConst:
          PUSH(consts[in.arg]);
          break;
        case Op::kLoadFast: {
          const Value& v = f->fast()[in.arg];
          if (v.is_unset()) {
            SYNC();
            vm.raise(B.UnboundLocalError, "cannot access local variable '" + co->varnames[in.arg] +
                                              "' where it is not associated with a value");
            goto error;
          }
          PUSH(v);
          break;
        }
        case Op::kStoreFast:
          f->fast()[in.arg] = POP();
          break;
        case Op::kDeleteFast:
          if (f->fast()[in.arg].is_unset()) {
            SYNC();
            vm.raise(B.UnboundLocalError, "cannot access local variable '" + co->varnames[in.arg] +
                                              "' where it is not associated with a value");
            goto error;
          }
          f->fast()[in.arg] = Value::unset();
          break;
        case Op::kLoadDeref:
        case Op::kLoadClassDeref: {
          if (in.op == Op::kLoadClassDeref) {
            const std::string& name = co->freevars[in.arg - co->ncells()];
            Value v = dict_get_str(f->locals_dict, vm.intern(name));
            if (!v.is_unset()) {
              PUSH(std::move(v));
              break;
            }
          }
          const Value& cell = f->cells()[in.arg];
          const Value& v = cell.as<CellObj>()->value;
          if (v.is_unset()) {
            SYNC();
            const bool free = in.arg >= co->ncells();
            const std::string& name = free ? co->freevars[in.arg - co->ncells()] : co->cellvars[in.arg];
            if (free) {
              vm.raise(B.NameError, "cannot access free variable '" + name +
                                        "' where it is not associated with a value in enclosing scope");
            } else {
              vm.raise(B.UnboundLocalError, "cannot access local variable '" + name +
                                                "' where it is not associated with a value");
            }
            goto error;
          }
          PUSH(v);
          break;
        }
        case Op::kStoreDeref:
          f->cells()[in.arg].as<CellObj>()->value = POP();
          break;
        case Op::kDeleteDeref:
          f->cells()[in.arg].as<CellObj>()->value = Value::unset();
          break;
        case Op::kLoadClosure:
          PUSH(f->cells()[in.arg]);
          break;
        case Op::kLoadGlobal: {
          if (in.extra & 1) PUSH(Value::unset());
          const Value& name = names[in.arg];
          Value v = dict_get_str(f->globals, name);
          if (v.is_unset()) v = dict_get_str(B.builtins_module.as<ModuleObj>()->dict, name);
          if (v.is_unset()) {
            SYNC();
            vm.raise(B.NameError, "name '" + str_of(name) + "' is not defined");
            goto error;
          }
          PUSH(std::move(v));
          break;
        }
        case Op::kStoreGlobal:
          dict_set_str(f->globals, names[in.arg], POP());
          break;
        case Op::kDeleteGlobal: {
          SYNC();
          const int r = dict_del(vm, f->globals, names[in.arg]);
          if (r <= 0) {
            if (r == 0) vm.raise(B.NameError, "name '" + str_of(names[in.arg]) + "' is not defined");
            goto error;
          }
          break;
        }
        case Op::kLoadName: {
          const Value& name = names[in.arg];
          Value v = dict_get_str(f->locals_dict, name);
          if (v.is_unset()) v = dict_get_str(f->globals, name);
          if (v.is_unset()) v = dict_get_str(B.builtins_module.as<ModuleObj>()->dict, name);
          if (v.is_unset()) {
            SYNC();
            vm.raise(B.NameError, "name '" + str_of(name) + "' is not defined");
            goto error;
          }
          PUSH(std::move(v));
          break;
        }
        case Op::kStoreName:
          dict_set_str(f->locals_dict, names[in.arg], POP());
          break;
        case Op::kDeleteName: {
          SYNC();
          const int r = dict_del(vm, f->locals_dict, names[in.arg]);
          if (r <= 0) {
            if (r == 0) vm.raise(B.NameError, "name '" + str_of(names[in.arg]) + "' is not defined");
            goto error;
          }
          break;
        }
        case Op::kLoadAttr: {
          SYNC();
          Value v = get_attr(vm, TOP(), names[in.arg]);
          if (v.is_error()) goto error;
          TOP() = std::move(v);
          break;
        }
        case Op::kStoreAttr: {
          SYNC();
          Value obj = POP();
          Value v = POP();
          SYNC();
          if (set_attr(vm, obj, names[in.arg], v).is_error()) goto error;
          break;
        }
        case Op::kDeleteAttr: {
          Value obj = POP();
          SYNC();
          if (del_attr(vm, obj, names[in.arg]).is_error()) goto error;
          break;
        }
        case Op::kLoadMethod: {
          SYNC();
          Value meth, self;
          if (!load_method(vm, TOP(), names[in.arg], &meth, &self)) goto error;
          if (self.is_unset()) {
            TOP() = Value::unset();
            PUSH(std::move(meth));
          } else {
            TOP() = std::move(meth);
            PUSH(std::move(self));
          }
          break;
        }
        case Op::kCall: {
          const std::uint32_t argc = in.arg;
          const Value* kwnames = nullptr;
          std::uint32_t nkw = 0;
          if (in.extra != 0xFFFF) {
            const auto& t = consts[in.extra].as<TupleObj>()->items;
            kwnames = t.data();
            nkw = static_cast<std::uint32_t>(t.size());
          }
          Value* base = &st[sp - argc - 2];
          // list(g) and tuple(g) of a generator run it on this fiber, as a
          // for loop does, so that a model may make it wait (a blocking call
          // inside the generator: list(pool.map(f, xs)) under threads). The
          // call's three slots hold [tuple?, the list so far, g] meanwhile.
          if (argc == 1 && nkw == 0 && base[0].is_unset() && (base[1].same(B.list) || base[1].same(B.tuple)) &&
              base[2].is(Kind::kGenerator) &&
              (base[2].as<GenObj>()->state == GenState::kCreated ||
               base[2].as<GenObj>()->state == GenState::kSuspended)) {
            Value gen = std::move(base[2]);
            const bool tuple = base[1].same(B.tuple);
            for (std::uint32_t i = 0; i < 3; ++i) st[--sp] = Value::unset();
            PUSH(Value::boolean(tuple));
            PUSH(make_list({}));
            PUSH(gen);
            SYNC();
            auto* g = gen.as<GenObj>();
            Frame* gf = g->frame;
            const bool started = g->state == GenState::kSuspended;
            if (!push_frame(vm, fiber, gf, Link::kGenCollect)) goto error;
            g->state = GenState::kRunning;
            if (started) gf->stack()[gf->sp++] = Value::none();
            LOAD_FRAME();
            break;
          }
          Value callable;
          const Value* self = nullptr;
          Value self_v;
          if (base[0].is_unset()) {
            callable = base[1];
          } else {
            callable = base[0];
            self_v = base[1];
            self = &self_v;
          }
          if (vm.options_.charge_ops && is_timed(callable)) CHARGE_BEFORE();
          SYNC();
          Value r = call_from_frame(vm, &fiber, callable, self, base + 2, argc, kwnames, nkw);
          // The arguments stay on the caller's stack until the call is made:
          // a pushed frame has copied them.
          Frame* caller = r.is_unset() ? fiber.top->back : f;
          (void)caller;
          for (std::uint32_t i = 0; i < argc + 2; ++i) st[--sp] = Value::unset();
          f->sp = sp;
          if (r.is_error()) goto error;
          if (r.is_suspend()) {
            fiber.waiting = true;
            return RunResult{RunStatus::kSuspended, Value()};
          }
          if (r.is_unset()) {
            // A frame was pushed: run it.
            LOAD_FRAME();
            break;
          }
          PUSH(std::move(r));
          break;
        }
        case Op::kCallEx: {
          Value kwargs = in.arg ? POP() : Value::unset();
          Value args = POP();
          Value callable = POP();
          DROP(1);  // NULL
          SYNC();
          std::vector<Value> all = args.as<TupleObj>()->items;
          std::vector<Value> kwn;
          if (!kwargs.is_unset()) {
            for (const HashEntry& e : kwargs.as<DictObj>()->table.entries) {
              if (e.key.is_unset()) continue;
              if (!e.key.is(Kind::kStr)) {
                vm.raise(B.TypeError, "keywords must be strings");
                goto error;
              }
              kwn.push_back(e.key);
              all.push_back(e.value);
            }
          }
          Value r = call_from_frame(vm, &fiber, callable, nullptr, all.data(), static_cast<std::uint32_t>(all.size()),
                                    kwn.data(), static_cast<std::uint32_t>(kwn.size()));
          if (r.is_error()) goto error;
          if (r.is_suspend()) {
            fiber.waiting = true;
            return RunResult{RunStatus::kSuspended, Value()};
          }
          if (r.is_unset()) {
            LOAD_FRAME();
            break;
          }
          PUSH(std::move(r));
          break;
        }
        case Op::kBinaryOp: {
          SYNC();
          Value r = binary_op(vm, static_cast<ast::BinOp>(in.arg), PEEK(2), PEEK(1), in.extra != 0);
          if (r.is_error()) goto error;
          DROP(1);
          TOP() = std::move(r);
          break;
        }
        case Op::kUnaryOp: {
          SYNC();
          const auto op = static_cast<ast::UnaryOp>(in.arg);
          if (op == ast::UnaryOp::kNot) {
            const int t = truthy(vm, TOP());
            if (t < 0) goto error;
            TOP() = Value::boolean(t == 0);
            break;
          }
          Value r = unary_op(vm, op, TOP());
          if (r.is_error()) goto error;
          TOP() = std::move(r);
          break;
        }
        case Op::kCompareOp: {
          SYNC();
          Value r = rich_compare(vm, static_cast<ast::CmpOp>(in.arg), PEEK(2), PEEK(1));
          if (r.is_error()) goto error;
          DROP(1);
          TOP() = std::move(r);
          break;
        }
        case Op::kIsOp: {
          const bool same = PEEK(2).same(PEEK(1));
          DROP(1);
          TOP() = Value::boolean(same != (in.arg != 0));
          break;
        }
        case Op::kContainsOp: {
          SYNC();
          const int r = contains(vm, PEEK(1), PEEK(2));
          if (r < 0) goto error;
          DROP(1);
          TOP() = Value::boolean((r > 0) != (in.arg != 0));
          break;
        }
        case Op::kBinarySubscr: {
          SYNC();
          Value r = getitem(vm, PEEK(2), PEEK(1));
          if (r.is_error()) goto error;
          DROP(1);
          TOP() = std::move(r);
          break;
        }
        case Op::kStoreSubscr: {
          SYNC();
          // [value, container, key]
          if (setitem(vm, PEEK(2), PEEK(1), PEEK(3)).is_error()) goto error;
          DROP(3);
          break;
        }
        case Op::kDeleteSubscr: {
          SYNC();
          if (delitem(vm, PEEK(2), PEEK(1)).is_error()) goto error;
          DROP(2);
          break;
        }
        case Op::kBuildSlice: {
          Value s = make<SliceObj>();
          auto* so = s.as<SliceObj>();
          if (in.arg == 3) so->step = POP();
          so->stop = POP();
          so->start = POP();
          PUSH(std::move(s));
          break;
        }
        case Op::kBuildTuple:
        case Op::kBuildList: {
          std::vector<Value> items(in.arg);
          for (std::uint32_t i = in.arg; i > 0; --i) items[i - 1] = POP();
          PUSH(in.op == Op::kBuildTuple ? make_tuple(std::move(items)) : make_list(std::move(items)));
          break;
        }
        case Op::kBuildSet: {
          Value s = make_set();
          SYNC();
          for (std::uint32_t i = in.arg; i > 0; --i) {
            if (!set_add(vm, s, PEEK(i))) goto error;
          }
          DROP(in.arg);
          PUSH(std::move(s));
          break;
        }
        case Op::kBuildMap: {
          Value d = make_dict();
          SYNC();
          for (std::uint32_t i = in.arg; i > 0; --i) {
            if (!dict_set(vm, d, PEEK(2 * i), PEEK(2 * i - 1))) goto error;
          }
          DROP(2 * in.arg);
          PUSH(std::move(d));
          break;
        }
        case Op::kBuildConstKeyMap: {
          Value keys = POP();
          Value d = make_dict();
          SYNC();
          const auto& ks = keys.as<TupleObj>()->items;
          for (std::uint32_t i = 0; i < in.arg; ++i) {
            if (!dict_set(vm, d, ks[i], PEEK(in.arg - i))) goto error;
          }
          DROP(in.arg);
          PUSH(std::move(d));
          break;
        }
        case Op::kBuildString: {
          std::string s;
          for (std::uint32_t i = in.arg; i > 0; --i) s += str_of(PEEK(i));
          DROP(in.arg);
          PUSH(make_str(std::move(s)));
          break;
        }
        case Op::kListAppend: {
          Value v = POP();
          PEEK(in.arg).as<ListObj>()->items.push_back(std::move(v));
          break;
        }
        case Op::kSetAdd: {
          Value v = POP();
          SYNC();
          if (!set_add(vm, PEEK(in.arg), v)) goto error;
          break;
        }
        case Op::kMapAdd: {
          Value val = POP();
          Value key = POP();
          SYNC();
          if (!dict_set(vm, PEEK(in.arg), key, std::move(val))) goto error;
          break;
        }
        case Op::kListExtend:
        case Op::kSetUpdate: {
          SYNC();
          Value it = get_iter(vm, TOP());
          if (it.is_error()) {
            if (in.op == Op::kListExtend && vm.error_.is(Kind::kException) &&
                vm.isinstance(vm.error_, B.TypeError) && !vm.lookup_special(TOP(), "__iter__").is_error()) {
              // CPython's message for f(*x) with x not iterable.
            }
            goto error;
          }
          const Value& target = PEEK(in.arg + 1);
          for (;;) {
            Value x = iter_next(vm, it);
            if (x.is_error()) goto error;
            if (x.is_unset()) break;
            if (in.op == Op::kListExtend) {
              target.as<ListObj>()->items.push_back(std::move(x));
            } else if (!set_add(vm, target, x)) {
              goto error;
            }
          }
          DROP(1);
          break;
        }
        case Op::kDictUpdate:
        case Op::kDictMerge: {
          SYNC();
          const Value& target = PEEK(in.arg + 1);
          const Value& src = TOP();
          if (!src.is(Kind::kDict)) {
            if (in.op == Op::kDictMerge) {
              vm.raise(B.TypeError, "argument after ** must be a mapping, not " + type_name(vm, src));
            } else {
              vm.raise(B.TypeError, "'" + type_name(vm, src) + "' object is not a mapping");
            }
            goto error;
          }
          for (const HashEntry& e : src.as<DictObj>()->table.entries) {
            if (e.key.is_unset()) continue;
            if (in.op == Op::kDictMerge) {
              Value had = dict_get(vm, target, e.key);
              if (had.is_error()) goto error;
              if (!had.is_unset()) {
                vm.raise(B.TypeError, "got multiple values for keyword argument '" +
                                          (e.key.is(Kind::kStr) ? str_of(e.key) : std::string("?")) + "'");
                goto error;
              }
            }
            if (!dict_set(vm, target, e.key, e.value)) goto error;
          }
          DROP(1);
          break;
        }
        case Op::kListToTuple: {
          Value l = POP();
          PUSH(make_tuple(l.as<ListObj>()->items));
          break;
        }
        case Op::kUnpackSequence:
        case Op::kUnpackEx: {
          SYNC();
          Value seq = POP();
          SYNC();
          std::vector<Value> items;
          if (seq.is(Kind::kTuple) || seq.is(Kind::kList)) {
            items = seq.is(Kind::kTuple) ? seq.as<TupleObj>()->items : seq.as<ListObj>()->items;
          } else {
            Value it = get_iter(vm, seq);
            if (it.is_error()) {
              if (vm.error_.is(Kind::kException) && vm.isinstance(vm.error_, B.TypeError)) {
                vm.error_ = Value();
                vm.raise(B.TypeError, "cannot unpack non-iterable " + type_name(vm, seq) + " object");
              }
              goto error;
            }
            for (;;) {
              Value x = iter_next(vm, it);
              if (x.is_error()) goto error;
              if (x.is_unset()) break;
              items.push_back(std::move(x));
            }
          }
          if (in.op == Op::kUnpackSequence) {
            if (items.size() != in.arg) {
              if (items.size() > in.arg) {
                vm.raise(B.ValueError, "too many values to unpack (expected " + std::to_string(in.arg) + ")");
              } else {
                vm.raise(B.ValueError, "not enough values to unpack (expected " + std::to_string(in.arg) + ", got " +
                                           std::to_string(items.size()) + ")");
              }
              goto error;
            }
            for (std::size_t i = items.size(); i > 0; --i) PUSH(std::move(items[i - 1]));
          } else {
            const std::uint32_t before = in.arg & 0xFF;
            const std::uint32_t after = in.arg >> 8;
            if (items.size() < before + after) {
              vm.raise(B.ValueError, "not enough values to unpack (expected at least " + std::to_string(before + after) +
                                         ", got " + std::to_string(items.size()) + ")");
              goto error;
            }
            for (std::uint32_t i = 0; i < after; ++i) PUSH(std::move(items[items.size() - 1 - i]));
            std::vector<Value> middle(std::make_move_iterator(items.begin() + before),
                                      std::make_move_iterator(items.end() - after));
            PUSH(make_list(std::move(middle)));
            for (std::uint32_t i = before; i > 0; --i) PUSH(std::move(items[i - 1]));
          }
          break;
        }
        case Op::kFormatValue: {
          SYNC();
          Value spec = (in.arg & 0x100) ? POP() : Value::unset();
          Value v = POP();
          SYNC();
          const int conv = static_cast<int>(in.arg & 0xFF);
          if (conv == 's') {
            v = str(vm, v);
          } else if (conv == 'r') {
            v = repr(vm, v);
          } else if (conv == 'a') {
            // ascii(): the repr with its non-ASCII characters escaped.
            std::string r;
            v = repr_string(vm, v, &r) ? make_str(lib::ascii_escape(r)) : Value::error();
          }
          if (v.is_error()) goto error;
          Value r = format(vm, v, spec.is_unset() ? vm.intern("") : spec);
          if (r.is_error()) goto error;
          PUSH(std::move(r));
          break;
        }
        case Op::kJump:
          f->pc = in.arg;
          break;
        case Op::kPopJumpIfFalse:
        case Op::kPopJumpIfTrue: {
          Value v = POP();
          int t;
          if (v.is(Kind::kBool)) {
            t = v.as_bool() ? 1 : 0;
          } else {
            SYNC();
            t = truthy(vm, v);
            if (t < 0) goto error;
          }
          if ((t == 1) == (in.op == Op::kPopJumpIfTrue)) f->pc = in.arg;
          break;
        }
        case Op::kPopJumpIfNone:
        case Op::kPopJumpIfNotNone: {
          Value v = POP();
          if (v.is_none() == (in.op == Op::kPopJumpIfNone)) f->pc = in.arg;
          break;
        }
        case Op::kJumpIfFalseOrPop:
        case Op::kJumpIfTrueOrPop: {
          SYNC();
          const int t = truthy(vm, TOP());
          if (t < 0) goto error;
          if ((t == 1) == (in.op == Op::kJumpIfTrueOrPop)) {
            f->pc = in.arg;
          } else {
            DROP(1);
          }
          break;
        }
        case Op::kGetIter:
        case Op::kGetYieldFromIter: {
          Value& top = TOP();
          if (top.is(Kind::kGenerator) || (in.op == Op::kGetYieldFromIter && top.is(Kind::kCoroutine))) break;
          SYNC();
          Value it = get_iter(vm, top);
          if (it.is_error()) goto error;
          top = std::move(it);
          break;
        }
        case Op::kForIter: {
          Value& it = TOP();
          if (it.is(Kind::kGenerator)) {
            auto* g = it.as<GenObj>();
            if (g->state == GenState::kClosed) {
              DROP(1);
              f->pc = in.arg;
              break;
            }
            if (g->state == GenState::kRunning) {
              SYNC();
              vm.raise(B.ValueError, "generator already executing");
              goto error;
            }
            SYNC();
            Frame* gf = g->frame;
            const bool started = g->state == GenState::kSuspended;
            if (!push_frame(vm, fiber, gf, Link::kGenNext)) goto error;
            g->state = GenState::kRunning;
            if (started) gf->stack()[gf->sp++] = Value::none();
            LOAD_FRAME();
            break;
          }
          SYNC();
          Value x = iter_next(vm, it);
          if (x.is_error()) goto error;
          if (x.is_unset()) {
            DROP(1);
            f->pc = in.arg;
            break;
          }
          PUSH(std::move(x));
          break;
        }
        case Op::kReturnValue: {
          Value v = POP();
          SYNC();
          const Link link = f->link;
          Frame* done = f;
          Frame* back = f->back;
          switch (link) {
            case Link::kBottom:
            case Link::kNested: {
              if (done->gen != nullptr && done->gen->kind == Kind::kGenerator && link == Link::kNested) {
                vm.gen_yielded_ = false;
              }
              pop_frame(fiber, done);
              return RunResult{RunStatus::kReturned, std::move(v)};
            }
            case Link::kCall:
              pop_frame(fiber, done);
              LOAD_FRAME();
              PUSH(std::move(v));
              break;
            case Link::kAwait:
              pop_frame(fiber, done);
              LOAD_FRAME();
              TOP() = std::move(v);  // the coroutine awaited
              break;
            case Link::kInit: {
              Value inst = done->extra;
              pop_frame(fiber, done);
              LOAD_FRAME();
              if (!v.is_none()) {
                SYNC();
                vm.raise(B.TypeError, "__init__() should return None, not '" + type_name(vm, v) + "'");
                goto error;
              }
              PUSH(std::move(inst));
              break;
            }
            case Link::kClassBody: {
              // [name, bases tuple] in extra; the namespace in locals_dict.
              const auto& nb = done->extra.as<TupleObj>()->items;
              Value ns = done->locals_dict;
              Value name = nb[0];
              std::vector<Value> bases = nb[1].as<TupleObj>()->items;
              Value cls = build_class(vm, name, std::move(bases), ns);
              if (!cls.is_error()) {
                // The __class__ cell of zero-argument super().
                for (std::uint32_t i = 0; i < done->code->ncells(); ++i) {
                  if (done->code->cellvars[i] == "__class__") done->cells()[i].as<CellObj>()->value = cls;
                }
              }
              pop_frame(fiber, done);
              LOAD_FRAME();
              if (cls.is_error()) goto error;
              PUSH(std::move(cls));
              break;
            }
            case Link::kGenNext: {
              // The generator is exhausted: the for loop below ends.
              pop_frame(fiber, done);
              LOAD_FRAME();
              DROP(1);  // the generator
              f->pc = co->code[f->pc - 1].arg;
              break;
            }
            case Link::kGenCollect: {
              // Exhausted: list(g) or tuple(g) returns what it yielded.
              pop_frame(fiber, done);
              LOAD_FRAME();
              DROP(1);  // the generator
              Value items = POP();
              if (TOP().as_bool()) {
                TOP() = make_tuple(std::move(items.as<ListObj>()->items));
              } else {
                TOP() = std::move(items);
              }
              break;
            }
            case Link::kYieldFrom:
              pop_frame(fiber, done);
              LOAD_FRAME();
              TOP() = std::move(v);  // the sub-generator's return value
              break;
            case Link::kAnext: {
              const std::uint8_t aux = done->aux;
              pop_frame(fiber, done);
              LOAD_FRAME();
              if (aux == 2) {
                TOP() = Value::none();  // aclose(): the generator finished
                break;
              }
              SYNC();
              vm.error_ = vm.make_exception(B.StopAsyncIteration, "");
              vm.error_.as<ExceptionObj>()->args = make_tuple({});
              goto error;
            }
          }
          (void)back;
          break;
        }
        case Op::kYieldValue: {
          Value v = POP();
          SYNC();
          // The value leaves this generator frame for whoever drove it; a
          // sub-generator's value passes on through its delegators.
          for (;;) {
            Frame* g = f;
            const Link link = g->link;
            if (link == Link::kYieldFrom) {
              detach_frame(fiber, g);
              LOAD_FRAME();
              f->pc -= 1;  // the delegator stays at its kYieldFrom
              f->aux = 1;  // and is resumed inside it
              SYNC();
              continue;
            }
            if (link == Link::kAnext && g->aux == 2) {
              detach_frame(fiber, g);
              LOAD_FRAME();
              vm.raise(B.RuntimeError, "async generator ignored GeneratorExit");
              goto error;
            }
            if (link == Link::kNested) {
              detach_frame(fiber, g);
              vm.gen_yielded_ = true;
              return RunResult{RunStatus::kReturned, std::move(v)};
            }
            if (link == Link::kGenNext) {
              detach_frame(fiber, g);
              LOAD_FRAME();
              PUSH(std::move(v));
              break;
            }
            if (link == Link::kGenCollect) {
              // The item joins list(g)'s list and the generator goes on.
              Frame* caller = g->back;
              caller->stack()[caller->sp - 2].as<ListObj>()->items.push_back(std::move(v));
              PUSH(Value::none());
              break;
            }
            if (link == Link::kAnext) {
              detach_frame(fiber, g);
              LOAD_FRAME();
              TOP() = std::move(v);  // the awaitable's result
              break;
            }
            vm.raise(B.RuntimeError, "concsim: yield outside a generator driven by its consumer");
            goto error;
          }
          break;
        }
        case Op::kYieldFrom: {
          // TOS: the sub-generator or iterator. Drives it until it ends; its
          // items are yielded to our consumer. Resumed (aux 1), the value sent
          // in is on top.
          Value sent = Value::none();
          if (f->aux == 1) {
            sent = POP();
            f->aux = 0;
          }
          Value& sub = TOP();
          SYNC();
          if (sub.is(Kind::kGenerator)) {
            auto* g = sub.as<GenObj>();
            if (g->state == GenState::kClosed) {
              TOP() = Value::none();
              break;
            }
            if (g->state == GenState::kRunning) {
              vm.raise(B.ValueError, "generator already executing");
              goto error;
            }
            Frame* gf = g->frame;
            const bool started = g->state == GenState::kSuspended;
            if (!push_frame(vm, fiber, gf, Link::kYieldFrom)) goto error;
            g->state = GenState::kRunning;
            if (started) gf->stack()[gf->sp++] = std::move(sent);
            LOAD_FRAME();
            break;
          }
          Value x = iter_next(vm, sub);
          if (x.is_error()) goto error;
          if (x.is_unset()) {
            TOP() = Value::none();
            break;
          }
          // Yield the item as this frame's own yield; come back here.
          f->pc -= 1;
          f->aux = 1;
          PUSH(std::move(x));
          // Re-enter as a YIELD_VALUE at the same place.
          {
            Value v = POP();
            SYNC();
            for (;;) {
              Frame* g = f;
              const Link link = g->link;
              if (link == Link::kYieldFrom) {
                detach_frame(fiber, g);
                LOAD_FRAME();
                f->pc -= 1;
                f->aux = 1;
                SYNC();
                continue;
              }
              if (link == Link::kNested) {
                detach_frame(fiber, g);
                vm.gen_yielded_ = true;
                return RunResult{RunStatus::kReturned, std::move(v)};
              }
              if (link == Link::kGenNext) {
                detach_frame(fiber, g);
                LOAD_FRAME();
                PUSH(std::move(v));
                break;
              }
              if (link == Link::kGenCollect) {
                Frame* caller = g->back;
                caller->stack()[caller->sp - 2].as<ListObj>()->items.push_back(std::move(v));
                PUSH(Value::none());
                break;
              }
              vm.raise(B.RuntimeError, "not supported by concsim: yield from here");
              goto error;
            }
          }
          break;
        }
        case Op::kGetAwaitable: {
          Value& aw = TOP();
          SYNC();
          if (aw.is(Kind::kCoroutine)) {
            auto* g = aw.as<GenObj>();
            if (g->state != GenState::kCreated || g->awaited) {
              vm.raise(B.RuntimeError, "cannot reuse already awaited coroutine");
              goto error;
            }
            g->awaited = true;
            break;
          }
          if (aw.is(Kind::kNative) || (aw.is(Kind::kIterator) && aw.as<IterObj>()->sub == IterKind::kAsyncGenAwaitable)) {
            break;
          }
          Value m = vm.lookup_special(aw, "__await__");
          if (m.is_error()) goto error;
          if (m.is_unset()) {
            if (in.arg == 1) {
              vm.raise(B.TypeError, "'async with' received an object from __aenter__ that does not implement __await__: " +
                                        type_name(vm, aw));
            } else if (in.arg == 2) {
              vm.raise(B.TypeError, "'async with' received an object from __aexit__ that does not implement __await__: " +
                                        type_name(vm, aw));
            } else {
              vm.raise(B.TypeError, "object " + type_name(vm, aw) + " can't be used in 'await' expression");
            }
            goto error;
          }
          Value it = vm.call(m, {});
          if (it.is_error()) goto error;
          if (it.is(Kind::kCoroutine) || it.is(Kind::kNative)) {
            if (it.is(Kind::kCoroutine)) it.as<GenObj>()->awaited = true;
            aw = std::move(it);
            break;
          }
          vm.raise(B.TypeError, "not supported by concsim: __await__ returning " + type_name(vm, it) +
                                    " (return another awaitable's __await__() or use async def)");
          goto error;
        }
        case Op::kAwait: {
          // A coroutine or an async generator's awaitable stays on the stack
          // while its frame runs (it keeps the frame's owner alive), and is
          // replaced by the result; a model's awaitable is popped.
          SYNC();
          if (TOP().is(Kind::kCoroutine)) {
            auto* g = TOP().as<GenObj>();
            Frame* gf = g->frame;
            if (!push_frame(vm, fiber, gf, Link::kAwait)) goto error;
            g->state = GenState::kRunning;
            LOAD_FRAME();
            break;
          }
          Value aw = TOP();
          if (aw.is(Kind::kIterator) && aw.as<IterObj>()->sub == IterKind::kAsyncGenAwaitable) {
            auto* it = aw.as<IterObj>();
            if (it->done) {
              vm.raise(B.RuntimeError, "cannot reuse already awaited __anext__()/asend()");
              goto error;
            }
            it->done = true;
            auto* g = it->seq.as<GenObj>();
            DROP(1);
            const auto mode = static_cast<std::uint8_t>(it->a);  // 0 send, 1 throw, 2 close
            if (g->state == GenState::kClosed || g->frame == nullptr) {
              if (mode == 2) {
                PUSH(Value::none());
                break;
              }
              if (mode == 1) {
                vm.error_ = it->extra;
                goto error;
              }
              vm.error_ = vm.make_exception(B.StopAsyncIteration, "");
              vm.error_.as<ExceptionObj>()->args = make_tuple({});
              goto error;
            }
            if (g->running_async || g->state == GenState::kRunning) {
              vm.raise(B.RuntimeError, mode == 2 ? "aclose(): asynchronous generator is already running"
                                                 : "anext(): asynchronous generator is already running");
              goto error;
            }
            Frame* gf = g->frame;
            const bool started = g->state == GenState::kSuspended;
            if (!started && mode != 0) {
              // athrow/aclose on a generator that never ran: it is closed
              // without running.
              g->state = GenState::kClosed;
              Frame* dead = g->frame;
              g->frame = nullptr;
              Frame::destroy(dead);
              if (mode == 2) {
                PUSH(Value::none());
                break;
              }
              vm.error_ = it->extra;
              goto error;
            }
            PUSH(aw);  // kept while the generator runs
            SYNC();
            if (!push_frame(vm, fiber, gf, Link::kAnext)) goto error;
            gf->aux = mode;
            g->state = GenState::kRunning;
            g->running_async = true;
            LOAD_FRAME();
            if (mode == 0) {
              if (started) PUSH(it->extra.is_unset() ? Value::none() : it->extra);
              break;
            }
            // Raise the exception at the yield the generator stopped at.
            vm.error_ = mode == 2 ? vm.make_exception(B.GeneratorExit, "") : it->extra;
            if (mode == 2) vm.error_.as<ExceptionObj>()->args = make_tuple({});
            reraise = false;
            goto error;
          }
          CHARGE_BEFORE();
          DROP(1);
          SYNC();
          Value r = vm.host().await_native(vm, fiber, aw);
          if (r.is_error()) goto error;
          if (r.is_suspend()) {
            fiber.waiting = true;
            return RunResult{RunStatus::kSuspended, Value()};
          }
          PUSH(std::move(r));
          break;
        }
        case Op::kGetAiter: {
          SYNC();
          Value& obj = TOP();
          Value m = vm.lookup_special(obj, "__aiter__");
          if (m.is_error()) goto error;
          if (m.is_unset()) {
            vm.raise(B.TypeError, "'async for' requires an object with __aiter__ method, got " + type_name(vm, obj));
            goto error;
          }
          Value it = vm.call(m, {});
          if (it.is_error()) goto error;
          obj = std::move(it);
          break;
        }
        case Op::kGetAnext: {
          SYNC();
          const Value& it = TOP();
          if (it.is(Kind::kAsyncGenerator)) {
            // async_gen_anext: the loop's hooks see the generator's first iteration.
            Value aw = agen_anext_awaitable(vm, it);
            if (aw.is_error()) goto error;
            PUSH(std::move(aw));
            break;
          }
          Value m = vm.lookup_special(it, "__anext__");
          if (m.is_error()) goto error;
          if (m.is_unset()) {
            vm.raise(B.TypeError, "'async for' requires an iterator with __anext__ method, got " + type_name(vm, it));
            goto error;
          }
          // __anext__ of a user class: an async def, called now, awaited next.
          Value aw = call_from_frame(vm, nullptr, m, nullptr, nullptr, 0, nullptr, 0);
          if (aw.is_error()) goto error;
          if (aw.is(Kind::kCoroutine)) aw.as<GenObj>()->awaited = true;
          PUSH(std::move(aw));
          break;
        }
        case Op::kEndAsyncFor: {
          // [aiter, exc]: StopAsyncIteration ends the loop.
          Value exc = POP();
          SYNC();
          if (vm.isinstance(exc, B.StopAsyncIteration)) {
            DROP(1);  // the async iterator
            break;
          }
          vm.error_ = std::move(exc);
          reraise = true;
          goto error;
        }
        case Op::kPushExcInfo: {
          Value exc = POP();
          Value* item = f->gen != nullptr ? &f->exc_slot : f->exc_item;
          PUSH(*item);
          *item = exc;
          PUSH(std::move(exc));
          break;
        }
        case Op::kPopExcept: {
          Value prev = POP();
          Value* item = f->gen != nullptr ? &f->exc_slot : f->exc_item;
          *item = std::move(prev);
          break;
        }
        case Op::kCheckExcMatch: {
          SYNC();
          const int r = exception_matches(vm, PEEK(2), PEEK(1));
          if (r < 0) goto error;
          TOP() = Value::boolean(r > 0);
          break;
        }
        case Op::kCheckEgMatch: {
          // [exc, type] -> [exc, None] or [rest, match]; the match becomes
          // the exception being handled (PyErr_SetExcInfo).
          Value type = POP();
          SYNC();
          Value match, rest;
          if (!check_eg_match(vm, TOP(), type, &match, &rest)) goto error;
          if (!match.is_none()) {
            TOP() = std::move(rest);
            Value* item = f->gen != nullptr ? &f->exc_slot : f->exc_item;
            *item = match;
          }
          PUSH(std::move(match));
          break;
        }
        case Op::kPrepReraiseStar: {
          // [orig, list of raised and re-raised] -> [exception to raise or None]
          Value excs = POP();
          Value orig = POP();
          SYNC();
          Value v = prep_reraise_star(vm, orig, excs);
          if (v.is_error()) goto error;
          PUSH(std::move(v));
          break;
        }
        case Op::kReraise: {
          vm.error_ = POP();
          SYNC();
          reraise = true;
          goto error;
        }
        case Op::kRaiseVarargs: {
          SYNC();
          Value cause = in.arg == 2 ? POP() : Value::unset();
          Value exc = in.arg >= 1 ? POP() : Value::unset();
          SYNC();
          if (in.arg == 0) {
            Value cur = current_exception(fiber);
            if (!cur.is(Kind::kException)) {
              vm.raise(B.RuntimeError, "No active exception to reraise");
              goto error;
            }
            vm.error_ = std::move(cur);
            reraise = true;
            goto error;
          }
          if (exc.is(Kind::kClass)) {
            if (!is_exc_class(vm, exc)) {
              vm.raise(B.TypeError, "exceptions must derive from BaseException");
              goto error;
            }
            Value made = instantiate(vm, nullptr, exc, nullptr, 0, nullptr, 0);
            if (made.is_error()) goto error;
            exc = std::move(made);
          }
          if (!exc.is(Kind::kException)) {
            vm.raise(B.TypeError, "exceptions must derive from BaseException");
            goto error;
          }
          if (in.arg == 2) {
            if (cause.is(Kind::kClass) && is_exc_class(vm, cause)) {
              Value made = instantiate(vm, nullptr, cause, nullptr, 0, nullptr, 0);
              if (made.is_error()) goto error;
              cause = std::move(made);
            }
            if (!cause.is_none() && !cause.is(Kind::kException)) {
              vm.raise(B.TypeError, "exception causes must derive from BaseException");
              goto error;
            }
            exc.as<ExceptionObj>()->cause = cause;
            exc.as<ExceptionObj>()->suppress_context = true;
          }
          vm.raise_value(std::move(exc));
          goto error;
        }
        case Op::kBeforeWith:
        case Op::kBeforeAsyncWith: {
          SYNC();
          Value mgr = POP();
          SYNC();
          const bool async = in.op == Op::kBeforeAsyncWith;
          Value enter = vm.lookup_special(mgr, async ? "__aenter__" : "__enter__");
          if (enter.is_error()) goto error;
          if (enter.is_unset()) {
            vm.raise(B.TypeError, "'" + type_name(vm, mgr) + "' object does not support the " +
                                      (async ? "asynchronous " : "") + "context manager protocol");
            goto error;
          }
          Value exit = vm.lookup_special(mgr, async ? "__aexit__" : "__exit__");
          if (exit.is_error()) goto error;
          if (exit.is_unset()) {
            vm.raise(B.TypeError, "'" + type_name(vm, mgr) + "' object does not support the " +
                                      (async ? "asynchronous " : "") + "context manager protocol (missed " +
                                      (async ? "__aexit__" : "__exit__") + " method)");
            goto error;
          }
          PUSH(std::move(exit));
          SYNC();
          // Call __enter__ like any call (it may be Python code).
          Value r = call_from_frame(vm, &fiber, enter, nullptr, nullptr, 0, nullptr, 0);
          if (r.is_error()) goto error;
          if (r.is_suspend()) {
            fiber.waiting = true;
            return RunResult{RunStatus::kSuspended, Value()};
          }
          if (r.is_unset()) {
            LOAD_FRAME();
            break;
          }
          PUSH(std::move(r));
          break;
        }
        case Op::kWithExceptStart: {
          // [exit, prev_exc, exc]: exit(type(exc), exc, tb)
          SYNC();
          const Value& exc = PEEK(1);
          const Value& exit = PEEK(3);
          const Value args[3] = {vm.type_of(exc), exc, Value::none()};
          Value r = call_from_frame(vm, &fiber, exit, nullptr, args, 3, nullptr, 0);
          if (r.is_error()) goto error;
          if (r.is_suspend()) {
            fiber.waiting = true;
            return RunResult{RunStatus::kSuspended, Value()};
          }
          if (r.is_unset()) {
            LOAD_FRAME();
            break;
          }
          PUSH(std::move(r));
          break;
        }
        case Op::kMakeFunction: {
          const Code* fc = co->program->codes[in.arg].get();
          Value fv = make<FunctionObj>();
          auto* fn = fv.as<FunctionObj>();
          fn->code = fc;
          fn->globals = f->globals;
          fn->name = vm.intern(fc->name);
          fn->qualname = make_str(fc->qualname);
          fn->defaults = Value::none();
          fn->kwdefaults = Value::none();
          fn->closure = Value::none();
          fn->dict = Value::none();
          if (in.extra & 8) fn->closure = POP();
          if (in.extra & 2) fn->kwdefaults = POP();
          if (in.extra & 1) fn->defaults = POP();
          PUSH(std::move(fv));
          break;
        }
        case Op::kBuildClass: {
          // [body function, name, bases...] -> run the body with a namespace.
          const std::uint32_t nbases = in.extra;
          std::vector<Value> bases(nbases);
          for (std::uint32_t i = nbases; i > 0; --i) bases[i - 1] = POP();
          Value name = POP();
          Value body = POP();
          SYNC();
          Frame* bf = bind_call(vm, body, nullptr, nullptr, 0, nullptr, 0);
          if (bf == nullptr) goto error;
          bf->locals_dict = make_dict();
          dict_set_str(bf->locals_dict, vm.intern("__module__"),
                       [&] {
                         Value m = dict_get_str(f->globals, vm.intern("__name__"));
                         return m.is_unset() ? Value::none() : m;
                       }());
          dict_set_str(bf->locals_dict, vm.intern("__qualname__"), body.as<FunctionObj>()->qualname);
          bf->extra = make_tuple({name, make_tuple(std::move(bases))});
          if (!push_frame(vm, fiber, bf, Link::kClassBody)) {
            Frame::destroy(bf);
            goto error;
          }
          LOAD_FRAME();
          break;
        }
        case Op::kImportName: {
          SYNC();
          Value m = import(vm, str_of(names[in.arg]));
          if (m.is_error()) goto error;
          if ((in.extra & 1) != 0) {
            // import a.b binds a: the package, whose attribute b is the module.
            const std::string& full = str_of(names[in.arg]);
            m = import(vm, full.substr(0, full.find('.')));
            if (m.is_error()) goto error;
          }
          PUSH(std::move(m));
          break;
        }
        case Op::kImportFrom: {
          SYNC();
          const Value& m = TOP();
          Value v = dict_get_str(m.as<ModuleObj>()->dict, names[in.arg]);
          if (v.is_unset()) {
            vm.raise(B.ImportError, "cannot import name '" + str_of(names[in.arg]) + "' from '" +
                                        str_of(m.as<ModuleObj>()->name) + "'");
            goto error;
          }
          PUSH(std::move(v));
          break;
        }
        case Op::kLoadAssertionError:
          PUSH(B.AssertionError);
          break;
        case Op::kSetupAnnotations:
          if (dict_get_str(f->locals_dict, vm.intern("__annotations__")).is_unset()) {
            dict_set_str(f->locals_dict, vm.intern("__annotations__"), make_dict());
          }
          break;
        case Op::kExtendedArg:
          break;
      }
      continue;
    }

  error:
    // The exception in vm.error_ was raised at f's current instruction.
    SYNC();
    for (;;) {
      if (!reraise) add_traceback(vm.error_, f);
      reraise = false;
      const std::uint32_t at = lasti(f);
      const std::uint32_t h = at < co->handler_at.size() ? co->handler_at[at] : kNoHandler;
      if (h != kNoHandler) {
        const ExcHandler& eh = co->handlers[h];
        while (sp > eh.depth) st[--sp] = Value::unset();
        if (eh.lasti) PUSH(Value::integer(at));
        PUSH(std::move(vm.error_));
        vm.error_ = Value();
        f->pc = eh.target;
        break;
      }
      // No handler here: the frame ends with the exception.
      Value exc = std::move(vm.error_);
      vm.error_ = Value();
      const Link link = f->link;
      Frame* done = f;
      GenObj* g = done->gen;
      if (g != nullptr && exc.is(Kind::kException)) {
        // PEP 479: StopIteration (StopAsyncIteration) must not leave a
        // generator (coroutine, async generator) as itself.
        const bool coro = g->kind == Kind::kCoroutine;
        const bool agen = g->kind == Kind::kAsyncGenerator;
        if (vm.isinstance(exc, B.StopIteration)) {
          Value rt = vm.make_exception(B.RuntimeError, coro ? "coroutine raised StopIteration"
                                                            : (agen ? "async generator raised StopIteration"
                                                                    : "generator raised StopIteration"));
          rt.as<ExceptionObj>()->cause = exc;
          rt.as<ExceptionObj>()->context = exc;
          rt.as<ExceptionObj>()->suppress_context = true;
          exc = std::move(rt);
        } else if (agen && vm.isinstance(exc, B.StopAsyncIteration)) {
          Value rt = vm.make_exception(B.RuntimeError, "async generator raised StopAsyncIteration");
          rt.as<ExceptionObj>()->cause = exc;
          rt.as<ExceptionObj>()->context = exc;
          rt.as<ExceptionObj>()->suppress_context = true;
          exc = std::move(rt);
        }
      }
      const std::uint8_t aux = done->aux;
      pop_frame(fiber, done);
      if (link == Link::kBottom || link == Link::kNested) {
        if (link == Link::kNested) vm.gen_yielded_ = false;
        return RunResult{RunStatus::kRaised, std::move(exc)};
      }
      LOAD_FRAME();
      if (link == Link::kAnext && aux == 2 && vm.isinstance(exc, B.GeneratorExit)) {
        // aclose(): the generator ended by GeneratorExit: the await returns.
        TOP() = Value::none();
        SYNC();
        goto resume;
      }
      vm.error_ = std::move(exc);
      // The exception continues at the instruction that called: a new
      // traceback entry for this frame.
    }
    SYNC();
  resume:;
  }
#undef SYNC
#undef LOAD_FRAME
#undef PUSH
#undef POP
#undef TOP
#undef PEEK
#undef DROP
#undef CHARGE_BEFORE
}

}  // namespace concsim::vm
