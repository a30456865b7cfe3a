// list, tuple, dict, set, range and slice against CPython: indexing and
// slicing with every combination of bounds, the operators, comparison,
// repr, the methods and their errors, and the builtins that take iterables.
#include <random>

#include "models/vm/library.h"
#include "tests/vm/oracle.h"

namespace concsim::vm::testing {
namespace {

class ContainerTest : public VmTest {};

TEST_F(ContainerTest, SlicesMatchCPython) {
  // Every slice of sequences of a few lengths, with bounds from -7 to 7,
  // None, and steps from -3 to 3.
  std::vector<std::string> exprs;
  const char* const bounds[] = {"None", "-7", "-3", "-1", "0", "1", "2", "4", "7"};
  const char* const steps[] = {"None", "-3", "-1", "1", "2", "0"};
  const char* const seqs[] = {"[0, 1, 2, 3, 4]", "(0, 1, 2)", "'abcdef'", "range(0, 10, 2)", "'h\\u00e9llo'", "[]"};
  for (const char* seq : seqs) {
    for (const char* a : bounds) {
      for (const char* b : bounds) {
        for (const char* c : steps) {
          exprs.push_back(std::string(seq) + "[" + a + ":" + b + ":" + c + "]");
        }
      }
    }
    for (const char* i : bounds) exprs.push_back(std::string(seq) + "[" + i + "]");
  }
  for (const char* e : {"slice(1, 10, 2).indices(5)", "slice(None, None, -1).indices(5)", "slice(-3, None).indices(2)",
                        "slice(1, 2).indices(-1)", "slice(1, 2).indices('a')", "slice(0, 5, 0).indices(3)",
                        "slice(1, 2)", "slice(3)", "slice(1, 2) == slice(1, 2)", "slice(1, 2) < slice(1, 3)",
                        "[1, 2, 3]['a']", "(1,)['a']", "range(3)['a']", "[1, 2][1.5]", "[1, 2][True]"}) {
    exprs.push_back(e);
  }
  EXPECT_EQ(check_exprs(exprs, 30), 0);
}

// Slice assignment and deletion go through Python statements.
TEST_F(ContainerTest, SliceAssignmentMatchesCPython) {
  std::vector<Case> cases;
  const char* const targets[] = {"1:3", "::2", "::-1", "5:", ":0", "-2:", "1:1", "::-2", "3:1", "0", "-1", "9", "'a'"};
  const char* const values[] = {"[]", "['a']", "['a', 'b', 'c']", "'xyz'", "range(2)", "5"};
  for (const char* t : targets) {
    for (const char* v : values) {
      const std::string py = std::string("exec:x = [0, 1, 2, 3, 4]\nx[") + t + "] = " + v + "\nresult = x";
      cases.push_back({py, [this, t, v] {
                         Value x = eval("[0, 1, 2, 3, 4]");
                         Value r = setitem(vm(), x, subscript(t), eval(v));
                         return r.is_error() ? r : x;
                       }});
    }
    const std::string dpy = std::string("exec:x = [0, 1, 2, 3, 4]\ndel x[") + t + "]\nresult = x";
    cases.push_back({dpy, [this, t] {
                       Value x = eval("[0, 1, 2, 3, 4]");
                       Value r = delitem(vm(), x, subscript(t));
                       return r.is_error() ? r : x;
                     }});
    const std::string tpy = std::string("exec:x = (0, 1, 2)\nx[") + t + "] = 1\nresult = x";
    cases.push_back({tpy, [this, t] {
                       Value x = eval("(0, 1, 2)");
                       Value r = setitem(vm(), x, subscript(t), Value::integer(1));
                       return r.is_error() ? r : x;
                     }});
  }
  for (const char* k : {"'a'", "'z'", "[1]", "1"}) {
    const std::string py = std::string("exec:x = {'a': 1, 1: 2}\ndel x[") + k + "]\nresult = x";
    cases.push_back({py, [this, k] {
                       Value x = eval("{'a': 1, 1: 2}");
                       Value r = delitem(vm(), x, eval(k));
                       return r.is_error() ? r : x;
                     }});
  }
  EXPECT_EQ(check(cases), 0);
}

TEST_F(ContainerTest, OperatorsAndComparisonsMatchCPython) {
  std::vector<std::string> exprs;
  const char* const values[] = {"[1, 2]", "[1, 2, 3]", "[1, 'a']", "[]", "(1, 2)", "(1, 2, 3)", "()", "{1, 2}",
                                "{2, 3}", "{1, 2, 3}", "set()", "frozenset({1, 2})", "{'a': 1}", "{'a': 1, 'b': 2}",
                                "{}", "range(3)", "range(0, 3)", "'ab'", "2", "[[1], [2]]", "[1.0, 2]",
                                "{1: 'a'}.keys()", "{1: 'a'}.items()", "{1: 'a'}.values()"};
  const char* const ops[] = {"+", "-", "*", "|", "&", "^", "==", "!=", "<", "<=", ">", ">=", "in"};
  for (const char* a : values) {
    for (const char* b : values) {
      for (const char* op : ops) exprs.push_back("_n(" + std::string(a) + " " + op + " " + b + ")");
    }
  }
  EXPECT_EQ(check_exprs(exprs, 30), 0);
}

TEST_F(ContainerTest, ReprMatchesCPython) {
  EXPECT_EQ(check_exprs({
                "{1: [1, {2: 'a'}], 'b': (1,), 'c': (1, 2)}", "{1, 2}", "set()", "frozenset()",
                "frozenset({1})", "{}.keys()", "{1: 2}.items()", "{1: 2}.values()", "range(1, 5, 2)",
                "range(0, 5)", "range(-3)", "slice(1, None)", "[(), (1,), [], {}, set(), '']",
                "[1.5, -0.0, float('inf'), None, True]", "{(1, 2): frozenset({3})}", "['a\\'b', \"c\\\"d\"]",
                "[float('nan')]", "({},)", "[[[[[]]]]]", "dict(a=1, b=[2])", "list(range(3))", "tuple('ab')",
            }),
            0);
}

TEST_F(ContainerTest, MethodsMatchCPython) {
  std::vector<Case> cases;
  // A statement on a fresh container, then the container and the result.
  auto stmt = [&](const std::string& init, const std::string& call) {
    const std::string py = "exec:x = " + init + "\nr = x" + call + "\nresult = _n((x, r))";
    cases.push_back({py, [this, init, call] {
                       Value x = eval(init);
                       vars_["x"] = x;
                       Value r = eval("x" + call);
                       vars_.erase("x");
                       if (r.is_error()) return r;
                       vars_["t"] = make_tuple({x, r});
                       return eval("_n(t)");
                     }});
  };
  for (const char* call :
       {".append(9)", ".extend([7, 8])", ".extend('ab')", ".extend(range(2))", ".insert(1, 'i')", ".insert(-1, 'i')",
        ".insert(100, 'i')", ".insert(-100, 'i')", ".pop()", ".pop(0)", ".pop(-2)", ".pop(10)", ".remove(2)",
        ".remove(9)", ".index(3)", ".index(3, 1)", ".index(3, 1, 2)", ".index(9)", ".index(1, -2)", ".count(3)",
        ".count(9)", ".sort()", ".sort(reverse=True)", ".sort(key=str)", ".sort(key=None, reverse=1)",
        ".sort(1)", ".sort(key=1)", ".sort(x=1)", ".reverse()", ".copy()", ".clear()", ".append()",
        ".append(1, 2)", ".insert(1)", ".pop('a')", ".index()", ".__len__()", ".__getitem__(1)",
        ".__setitem__(0, 'z')", ".__delitem__(0)", ".__contains__(3)", ".__iadd__([1])", ".__imul__(2)"}) {
    stmt("[3, 1, 2, 3]", call);
  }
  for (const char* call : {".sort()", ".sort(key=len)", ".sort(key=str.lower)", ".sort(reverse=True, key=len)"}) {
    stmt("['bb', 'a', 'Ccc', 'B', 'aa']", call);
    stmt("[3, 1.5, True, -2, 0.0, 2]", call);
    stmt("[[2, 1], [1, 2], [1], []]", call);
    stmt("[(1, 'b'), (1, 'a'), (0, 'z')]", call);
    stmt("[1, 'a', 2]", call);
  }
  for (const char* call : {".index(2)", ".count(1)", ".index(5)", ".index(1, 1)", ".count()", ".__len__()"}) {
    stmt("(1, 2, 1)", call);
  }
  for (const char* call : {".get('a')", ".get('z')", ".get('z', 0)", ".get()", ".get(1, 2, 3)", ".get([])",
                           ".setdefault('a', 5)", ".setdefault('z', 5)", ".setdefault('y')", ".pop('a')",
                           ".pop('z')", ".pop('z', None)", ".pop()", ".popitem()", ".keys()", ".values()",
                           ".items()", ".update({'c': 3})", ".update([('d', 4)], e=5)", ".update(f=6)",
                           ".update(1)", ".update([1])", ".update([(1, 2, 3)])", ".update({}, {})", ".copy()",
                           ".clear()", ".fromkeys('ab')", ".fromkeys([1, 2], 0)", ".__getitem__('a')",
                           ".__getitem__('z')", ".__setitem__('q', 1)", ".__delitem__('b')", ".__delitem__('z')",
                           ".__contains__('a')", ".__len__()", ".__or__({'x': 1})", ".__ior__([('k', 1)])"}) {
    stmt("{'a': 1, 'b': 2}", call);
  }
  stmt("{}", ".popitem()");
  for (const char* call : {".add(4)", ".add(1)", ".add([])", ".discard(1)", ".discard(9)", ".remove(2)",
                           ".remove(9)", ".pop()", ".clear()", ".copy()", ".update([5, 6], (7,))", ".update()",
                           ".union([9], {10})", ".intersection([1, 2, 9])", ".intersection()", ".difference([1])",
                           ".difference([1], [2])", ".symmetric_difference([1, 9])", ".issubset([1, 2, 3, 4])",
                           ".issubset([1])", ".issuperset([1])", ".isdisjoint([7, 8])", ".isdisjoint([3])",
                           ".intersection_update([1, 3])", ".difference_update([1])",
                           ".symmetric_difference_update([1, 9])", ".union(1)", ".__len__()", ".__contains__(2)"}) {
    stmt("{1, 2, 3}", call);
  }
  stmt("set()", ".pop()");
  for (const char* call : {".union([9])", ".copy()", ".intersection({1})", ".issubset({1, 2})", ".add(1)"}) {
    stmt("frozenset({1, 2})", call);
  }
  for (const char* call : {".index(4)", ".index(5)", ".index('a')", ".count(4)", ".count(4.0)", ".count('a')",
                           ".__len__()", ".__getitem__(-1)", ".__contains__(6)"}) {
    stmt("range(0, 10, 2)", call);
  }
  EXPECT_EQ(check(cases, 30), 0);
}

TEST_F(ContainerTest, BuiltinsOverIterablesMatchCPython) {
  EXPECT_EQ(check_exprs({
                "len([1, 2])", "len('h\\u00e9')", "len({})", "len(range(10, 0, -3))", "len(5)", "len()",
                "len([], [])", "list('abc')", "list({'a': 1, 'b': 2})", "list({'a': 1}.items())", "list(5)",
                "list(x=1)", "tuple([1, 2])", "tuple()", "_n(set('aba'))", "frozenset([1, 1])", "dict(a=1, b=2)",
                "dict([('a', 1)], b=2)", "dict({'a': 1}, a=2)", "dict([1])", "dict([[1]])", "dict([(1, 2, 3)])",
                "dict(1)", "dict(1, 2)", "dict([('a', 1)], [('b', 2)])", "sorted([3, 1, 2])",
                "sorted([3, 1, 2], reverse=True)", "sorted(['b', 'A', 'c'], key=str.lower)", "sorted('cba')",
                "sorted({3: 'a', 1: 'b'})", "sorted([1, 'a'])", "sorted()", "sorted([], 1)", "sorted([1], key=1)",
                "sorted([1], x=1)", "min([3, 1, 2])", "max([3, 1, 2])", "min(3, 1, 2)", "max('abc')", "min([])",
                "min(1)", "min([], default=5)", "min(1, 2, default=3)", "min([1], x=2)", "max([3, 1], key=abs)",
                "max([-3, 1], key=abs)", "min()", "max(1, 2, key=str)", "min([2, 1.5, True])", "max([[1], [2]])",
                "sum([1, 2, 3])", "sum([1, 2], 10)", "sum([1, 2], start=10)", "sum([[1], [2]], [])",
                "sum([1.5, 2])", "sum(['a'], 'b')", "sum()", "sum([1], 2, 3)", "sum([0.1] * 10)",
                "sum(range(101))", "sum([1, 'a'])", "any([0, '', None])", "any([0, 1])", "any([])", "all([])",
                "all([1, 0])", "all('abc')", "any(5)", "list(reversed([1, 2, 3]))", "list(reversed('abc'))",
                "list(reversed(range(5)))", "list(reversed(range(0, 10, 3)))", "list(reversed((1, 2)))",
                "list(reversed({1: 2, 3: 4}))", "reversed(1)", "reversed()", "list(enumerate('ab'))",
                "list(enumerate('ab', 1))", "list(enumerate('ab', start=5))", "enumerate()", "enumerate(1)",
                "enumerate([], start='a')", "list(zip([1, 2], 'ab'))", "list(zip([1, 2, 3], 'ab'))",
                "list(zip())", "list(zip([1], 'a', (2,)))", "list(zip([1, 2], 'a', strict=True))",
                "list(zip([1], 'ab', strict=True))", "list(zip([1], [2], 'ab', strict=True))", "zip(x=1)",
                "zip(strict=1, x=2)", "list(map(len, ['a', 'bb']))", "list(map(pow, [2, 3], [3, 2]))", "map(1)",
                "map()", "list(map(len, [1]))", "list(filter(None, [0, 1, '', 'a']))",
                "list(filter(str.isdigit, ['1', 'a', '2']))", "filter(None)", "next(iter([]))",
                "next(iter([]), 5)", "next(iter([1, 2]))", "next([1])", "next(iter('ab'))", "iter(1)",
                "iter(1, 2)", "iter()", "list(iter([1, 2]))", "list(iter(range(3)))", "isinstance(1, int)",
                "isinstance(True, int)", "isinstance(1, (str, int))", "isinstance(1, 2)",
                "isinstance(1, (int, 2))", "isinstance([], (str, (dict, list)))", "issubclass(bool, int)",
                "issubclass(int, (str, object))", "issubclass(1, int)", "issubclass(int, 2)",
                "isinstance(1.5, float)", "isinstance(None, type(None))", "type(1)", "type('a')", "type([])",
                "type(1, 2)", "type()", "callable(len)", "callable(1)", "callable(int)", "callable('a'.upper)",
                "hash([])", "hash({})", "repr()", "getattr(1, 2)", "getattr(1, 'x')", "getattr(1, 'x', 5)",
                "getattr('a', 'upper')()", "hasattr(1, 'real')", "hasattr(1, 'x')", "hasattr(1, 2)",
                "setattr(1, 'x', 2)", "delattr(1, 2)", "divmod('a', 1)", "format(1.5, '>8.3f')", "format(5)",
                "format()", "list(range(-5, 5, 3))", "range(1, 2, 0)", "range(1.5)", "range(x=1)", "range()",
                "range(1, 2, 3, 4)", "3 in range(0, 10, 3)", "'a' in range(3)", "bool(range(0))",
                "range(5) == range(0, 5, 1)", "range(0) == range(5, 5)", "range(0, 10, 3)[-1]",
                "range(10)[2:8:2]", "range(10)[::-1]", "range(5).index(2)", "range(5).count(7)",
                "list(dict.fromkeys('ab', 0))", "{1: 2}.get(3, 4)", "{1: 2}.setdefault(3, [])",
                "[1, [2]].count([2])", "(1, 2).index(3)", "[1].index(1, 'a')", "slice()", "slice(1, 2, 3, 4)",
                "print(x=1)", "print(1, sep=1)", "print(1, end=1)", "vars(1)", "dir(1)[:3]", "id(1) == id(1)",
            }),
            0);
}

// Programs cannot read a terminal or files: these builtins say so.
TEST_F(ContainerTest, InputAndOpenAreNotSupported) {
  EXPECT_EQ(outcome(eval("input()")),
            "!NotImplementedError: not supported by concsim: input() (a simulated program has no standard input)");
  EXPECT_EQ(outcome(eval("open('x')")),
            "!NotImplementedError: not supported by concsim: open() (a simulated program does no file I/O)");
}

}  // namespace
}  // namespace concsim::vm::testing
