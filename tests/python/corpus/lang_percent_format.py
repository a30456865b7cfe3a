# status: completed
# %-formatting and str.format: positional, named, specs, repr.
print("%s has %d items costing %.2f" % ("cart", 3, 9.5))
print("%5d|%-5d|%05d|%x|%o|%e|%r" % (42, 42, 42, 255, 8, 1234.5, "s"))
print("%(name)s is %(age)d" % {"name": "ann", "age": 31})
print("%.3s|%10.4f|%-10s|%%" % ("abcdef", 3.14159, "left"))
print("{} and {}".format("a", "b"))
print("{1} before {0}".format("x", "y"))
print("{name}: {score:.1f}".format(name="bob", score=9.25))
print("{:>8}|{:<8}|{:^8}|".format("r", "l", "c"))
print("{0!r} {0!s} {1[0]} {2.real}".format("q", [7], 3))
print("{:,.2f}".format(1234567.891))
