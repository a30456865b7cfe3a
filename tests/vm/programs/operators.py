# User classes and the operators: reflected methods, NotImplemented, the
# subclass-first rule, in-place methods and their fallbacks.
class V:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __add__(self, o):
        if not isinstance(o, V):
            return NotImplemented
        return V(self.x + o.x, self.y + o.y)

    def __radd__(self, o):
        if o == 0:
            return self
        return NotImplemented

    def __mul__(self, k):
        return V(self.x * k, self.y * k)

    __rmul__ = __mul__

    def __neg__(self):
        return V(-self.x, -self.y)

    def __abs__(self):
        return (self.x ** 2 + self.y ** 2) ** 0.5

    def __repr__(self):
        return f"V({self.x}, {self.y})"


class W(V):
    def __radd__(self, o):
        return "W.__radd__ first"


class Acc:
    def __init__(self):
        self.items = []

    def __iadd__(self, x):
        self.items.append(x)
        return self

    def __repr__(self):
        return f"Acc({self.items})"


print(V(1, 2) + V(3, 4), 3 * V(1, 2), V(1, 2) * 2.5, -V(1, 2), abs(V(3, 4)))
print(sum([V(1, 1), V(2, 2)]))
print(V(1, 1) + W(2, 2))
a = Acc()
a += 1
a += "two"
print(a)
v = V(1, 1)
v += V(1, 1)
print(v)
cases = [
    ("V(1, 2) + 1", lambda: V(1, 2) + 1),
    ("1 + V(1, 2)", lambda: 1 + V(1, 2)),
    ("V(1, 2) - V(1, 1)", lambda: V(1, 2) - V(1, 1)),
    ("V(1, 2) @ V(1, 1)", lambda: V(1, 2) @ V(1, 1)),
    ("~V(1, 2)", lambda: ~V(1, 2)),
    ("V(1, 2) ** 2", lambda: V(1, 2) ** 2),
    ("[1] * V(1, 1)", lambda: [1] * V(1, 1)),
    ("'ab' + V(1, 1)", lambda: "ab" + V(1, 1)),
    ("V(1, 1) < V(2, 2)", lambda: V(1, 1) < V(2, 2)),
]
for text, f in cases:
    try:
        print(text, "->", f())
    except TypeError as e:
        print(text, "-> TypeError:", e)


class Idx:
    def __index__(self):
        return 3


print([0] * Idx(), "ab" * Idx(), [10, 20, 30, 40][Idx()], "abcdef"[Idx():], bin(Idx()), hex(Idx()), range(Idx()))
print(divmod(7, 2), pow(3, 4, 5), round(2.5), round(3.5), round(1.005, 2))


class R:
    def __round__(self, n=None):
        return ("rounded", n)

    def __int__(self):
        return 7

    def __float__(self):
        return 2.5

    def __divmod__(self, o):
        return ("divmod", o)


print(round(R()), round(R(), 2), int(R()), float(R()), divmod(R(), 3))
