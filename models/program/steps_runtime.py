# ---- The step language's values, in Python ------------------------------
# (models/program/steps_runtime.py, copied into every lowered program.)
# The step language has durations (whole nanoseconds), 64-bit integers that
# raise OverflowError, arithmetic that keeps units, `==` by kind (True is not
# 1), and prints values its own way ("1.5s", "['a', 'b']", "Type('message')").
# These helpers give exactly that, so the program above means what its YAML
# means (configs/README.md, "Values, expressions and templates").

_INT_MIN = -9223372036854775807 - 1
_INT_MAX = 9223372036854775807


class Duration:
    """A duration of the step language: whole nanoseconds."""

    def __init__(self, ns):
        self.ns = ns

    def __bool__(self):
        return self.ns != 0

    def __repr__(self):
        return _fmt(self)


def _kind(v):
    if v is None:
        return "None"
    if v is True or v is False:
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, Duration):
        return "duration"
    if isinstance(v, str):
        return "str"
    if isinstance(v, list):
        return "list"
    if isinstance(v, BaseException):
        return "exception"
    return "task"


def _seconds_text(ns):
    sign = "-" if ns < 0 else ""
    whole, frac = divmod(abs(ns), 1000000000)
    if frac == 0:
        return "%s%ds" % (sign, whole)
    return ("%s%d.%09d" % (sign, whole, frac)).rstrip("0") + "s"


def _fmt(v, quote=False):
    """A value as the step language prints it (Store::format)."""
    k = _kind(v)
    if k == "None":
        return "None"
    if k == "bool":
        return "True" if v else "False"
    if k == "int":
        return str(v)
    if k == "duration":
        return _seconds_text(v.ns)
    if k == "str":
        return "'" + v + "'" if quote else v
    if k == "list":
        return "[" + ", ".join(_fmt(x, True) for x in v) + "]"
    if k == "exception":
        if v.args and v.args[0] is not None:
            return type(v).__name__ + "(" + _fmt(v.args[0], True) + ")"
        return type(v).__name__ + "()"
    return v.get_name()


def _checked(v):
    if v < _INT_MIN or v > _INT_MAX:
        raise OverflowError("integer overflow")
    return v


def _number(v, what):
    k = _kind(v)
    if k != "int" and k != "duration":
        raise TypeError("%s: %s" % (what, k))
    return k


def _add(a, b):
    if isinstance(a, str) and isinstance(b, str):
        return a + b
    ka, kb = _number(a, "unsupported operand"), _number(b, "unsupported operand")
    if ka != kb:
        raise TypeError("cannot add or subtract a duration and an int")
    if ka == "int":
        return _checked(a + b)
    return Duration(_checked(a.ns + b.ns))


def _sub(a, b):
    ka, kb = _number(a, "unsupported operand"), _number(b, "unsupported operand")
    if ka != kb:
        raise TypeError("cannot add or subtract a duration and an int")
    if ka == "int":
        return _checked(a - b)
    return Duration(_checked(a.ns - b.ns))


def _bits(v):
    return v.ns if isinstance(v, Duration) else v


def _mul(a, b):
    ka, kb = _number(a, "unsupported operand"), _number(b, "unsupported operand")
    if ka == "duration" and kb == "duration":
        raise TypeError("cannot multiply two durations")
    r = _checked(_bits(a) * _bits(b))
    return Duration(r) if "duration" in (ka, kb) else r


def _divmod_checks(a, b):
    ka, kb = _number(a, "unsupported operand"), _number(b, "unsupported operand")
    if ka == "int" and kb == "duration":
        raise TypeError("cannot divide an int by a duration")
    if _bits(b) == 0:
        raise ZeroDivisionError("division by zero")
    if _bits(a) == _INT_MIN and _bits(b) == -1:
        raise OverflowError("integer overflow")
    return ka, kb


def _div(a, b):
    ka, kb = _divmod_checks(a, b)
    r = _bits(a) // _bits(b)
    return Duration(r) if ka == "duration" and kb == "int" else r


def _mod(a, b):
    ka, kb = _divmod_checks(a, b)
    r = _bits(a) % _bits(b)
    return Duration(r) if ka == "duration" else r


def _neg(a):
    k = _number(a, "bad operand for -")
    if _bits(a) == _INT_MIN:
        raise OverflowError("integer overflow")
    return Duration(-a.ns) if k == "duration" else -a


def _abs(a):
    k = _number(a, "abs() of")
    if _bits(a) == _INT_MIN:
        raise OverflowError("integer overflow")
    return Duration(abs(a.ns)) if k == "duration" else abs(a)


def _eq(a, b, depth=0):
    k = _kind(a)
    if k != _kind(b):
        return False
    if k == "None":
        return True
    if k == "duration":
        return a.ns == b.ns
    if k == "list":
        if a is b:
            return True
        if depth >= 100 or len(a) != len(b):
            return False
        for x, y in zip(a, b):
            if not _eq(x, y, depth + 1):
                return False
        return True
    if k in ("int", "bool", "str"):
        return a == b
    return a is b


def _compare(a, b):
    ka, kb = _kind(a), _kind(b)
    if ka != kb or ka not in ("int", "duration", "str"):
        raise TypeError("cannot compare %s with %s" % (ka, kb))
    if ka == "duration":
        return a.ns, b.ns
    # Strings: the step language compares UTF-8 bytes, which order as the
    # code points do, as Python compares.
    return a, b


def _lt(a, b):
    x, y = _compare(a, b)
    return x < y


def _le(a, b):
    x, y = _compare(a, b)
    return x <= y


def _gt(a, b):
    x, y = _compare(a, b)
    return x > y


def _ge(a, b):
    x, y = _compare(a, b)
    return x >= y


def _min(a, b):
    ka, kb = _number(a, "min/max of"), _number(b, "min/max of")
    if ka != kb:
        raise TypeError("min/max of a duration and an int")
    return a if _bits(a) <= _bits(b) else b


def _max(a, b):
    ka, kb = _number(a, "min/max of"), _number(b, "min/max of")
    if ka != kb:
        raise TypeError("min/max of a duration and an int")
    return a if _bits(a) >= _bits(b) else b


def _len(v):
    if isinstance(v, str):
        # UTF-8 bytes, as the step language counts them.
        n = 0
        for c in v:
            o = ord(c)
            n += 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
        return n
    if isinstance(v, list):
        return len(v)
    raise TypeError("len() of " + _kind(v))


def _str(v):
    return _fmt(v)


def _append(items, v):
    if not isinstance(items, list):
        raise TypeError("append() to " + _kind(items))
    return items + [v]


def _now():
    return Duration(round(time.monotonic() * 1e9))


def _sec(v):
    """A duration operand given by an expression, in seconds."""
    if not isinstance(v, Duration):
        raise TypeError("expected a duration, got " + _kind(v))
    if v.ns < 0:
        raise ValueError("a duration must not be negative")
    return v.ns / 1e9


def _exact(v):
    """The same, as exact nanoseconds (concsim.ns)."""
    _sec(v)
    return ns(v.ns)


def _exact_seconds(s):
    """A draw in seconds (a multiple of 1 ns), as exact nanoseconds."""
    return ns(round(s * 1e9))


def _count(v):
    """A repeat's times or an async_for's items."""
    if _kind(v) != "int":
        raise TypeError("expected an int, got " + _kind(v))
    return v  # a negative count runs no round, as range() of it


def _tasks(v):
    """A task reference in a task list: a list of tasks stands for all of them."""
    return list(v) if isinstance(v, list) else [v]


def _cancel(v):
    for t in _tasks(v):
        t.cancel()
# ---- end of the step language's values ----------------------------------
