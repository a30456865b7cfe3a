# status: completed
# f-strings with format specs: precision, width, alignment, fill, sign,
# thousands separators, percent, bases, exponent, !r and !a, nested specs and =.
import math

pi = math.pi
n = 1234567
name = "loop"
print(f"{pi:.2f} {pi:.5f} {pi:10.3f}| {pi:<10.3f}| {pi:^10.3f}| {pi:*>12.4f}")
print(f"{n:,} {n:_} {n:>12,} {-n:+,} {n:+d} {42:05d} {-42:05d}")
print(f"{0.256:.1%} {0.5:%} {1/3:.3%}")
print(f"{255:x} {255:X} {255:#x} {255:o} {255:b} {255:#010b}")
print(f"{12345.678:e} {12345.678:.2e} {0.000123:g} {1e20:g} {123456789.0:g}")
print(f"{name!r} {name:>8} {name:-<8} {name:^9}|")
width, prec = 10, 3
print(f"{pi:{width}.{prec}f}|")
print(f"{n=} {pi=:.2f}")
print(f"{3.0} {2.5:g} {1e16} {100.0:.0f} {2.5:.0f} {3.5:.0f} {-0.0}")
print(f"{'nested ' + name.upper()}")
print(f"{True} {None} {[1, 'a']} {(1,)} {{braces}}")
print(f"{'café'!a} {['€', 'x']!a} {'ok'!a:>6}")
