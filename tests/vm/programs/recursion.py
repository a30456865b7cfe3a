# Containers nested far deeper than the recursion limit: repr, str,
# f-strings, comparison and hashing stop with RecursionError, as CPython's
# do, instead of overflowing the C++ stack; identity keeps shallow work cheap.
def nest(depth, wrap):
    x = wrap(None)
    for _ in range(depth):
        x = wrap(x)
    return x


a = nest(100000, lambda x: [x])
b = nest(100000, lambda x: [x])
t = nest(100000, lambda x: (x,))
u = nest(100000, lambda x: (x,))
d = nest(100000, lambda x: {"k": x})
checks = [
    ("repr(list)", lambda: repr(a)),
    ("str(list)", lambda: str(a)),
    ("f-string", lambda: f"{a}"),
    ("list == copy", lambda: a == a[:]),
    ("list == other", lambda: a == b),
    ("list < other", lambda: a < b),
    ("hash(tuple)", lambda: hash(t)),
    ("tuple == other", lambda: t == u),
    ("repr(dict)", lambda: repr(d)),
    ("in", lambda: b in [a]),
]
for name, f in checks:
    try:
        r = f()
        print(name, "->", r if isinstance(r, bool) else type(r).__name__)
    except RecursionError as e:
        print(name, "-> RecursionError:", e)
shallow = nest(50, lambda x: [x])
print(len(repr(shallow)), shallow == nest(50, lambda x: [x]), hash(nest(50, lambda x: (x,))) == hash(nest(50, lambda x: (x,))))
