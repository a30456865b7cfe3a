# repr, str and format of user classes; print's options; f-strings,
# %-formatting and str.format with objects.
import sys


class Money:
    def __init__(self, cents):
        self.cents = cents

    def __str__(self):
        return f"${self.cents / 100:.2f}"

    def __repr__(self):
        return f"Money({self.cents})"

    def __format__(self, spec):
        if spec == "c":
            return f"{self.cents}c"
        return format(str(self), spec)


m = Money(1234)
print(m, repr(m), str(m), [m], (m,), {"k": m}, f"{m}", f"{m!r}", f"{m:c}", f"{m:>10}|", "%s %r" % (m, m))
print("{0} {0!r} {0:c} {0:*^12}".format(m), format(m, "<9"), "{m.cents:,}".format(m=Money(123456)))
print(1, 2, 3, sep=", ", end=";\n")
print("a", "b", sep="")
print("no newline", end="")
print()
print(*["x", "y"], sep="-")
print("to stderr", file=sys.stderr)
print(None, True, 1.0, -0.0, 1e16, 1e-5, 0.1 + 0.2, 2 ** 62, [1.5, "s", None], {1: (2,)})
print(f"{3.14159:.2f} {'x':>5} {42:08b} {1234567:,} {0.25:.1%} {-7:+d} {255:#x} {1e6:g} {'é':^5}|")
w, p = 10, 3
print(f"{3.14159:{w}.{p}f}|{'left':<{w}}|{123:0{w}d}")
print("%-8s|%5.1f|%03d|%x|%e" % ("name", 2.25, 7, 255, 12345.678))
print("{:>8}|{:<8}|{:^8}|{:+.3e}".format("r", "l", "c", 0.000123))


class E(Exception):
    pass


e = E("bad", 42)
print(str(e), repr(e), e.args, repr(ValueError()), str(KeyError("k")), repr(KeyError("k")))
print(ascii("héllo €"), repr("it's"), repr('say "hi"'), repr("both ' and \""), repr("tab\there\n"))
print(str(1.5), repr(1 / 3), str(10 ** 15 * 1.0), float("inf"), -float("inf"), 1e300 * 1e10)
