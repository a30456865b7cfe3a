# Equality, ordering and hashing of user classes: __eq__ without __hash__
# is unhashable, __ne__ from __eq__, reflected comparisons, sorting with
# __lt__ and keys, user objects as dict keys and set members.
class P:
    def __init__(self, name, age):
        self.name, self.age = name, age

    def __eq__(self, o):
        return isinstance(o, P) and (self.name, self.age) == (o.name, o.age)

    def __lt__(self, o):
        return self.age < o.age

    def __repr__(self):
        return f"P({self.name!r}, {self.age})"


class H(P):
    def __hash__(self):
        return hash((self.name, self.age))


people = [P("ann", 30), P("bob", 25), P("cy", 35), P("dee", 25)]
print(sorted(people))
print(sorted(people, reverse=True))
print(sorted(people, key=lambda p: p.name, reverse=True))
print(max(people), min(people), P("a", 1) == P("a", 1), P("a", 1) != P("a", 2), P("a", 1) > P("b", 0))
try:
    {P("a", 1)}
except TypeError as e:
    print("TypeError:", e)
d = {H("a", 1): "first", H("b", 2): "second"}
print(d[H("a", 1)], H("b", 2) in d, len({H("a", 1), H("a", 1)}))
print(P("a", 1) in [P("b", 2), P("a", 1)], people.index(P("cy", 35)), people.count(P("bob", 25)))


class Plain:
    pass


x, y = Plain(), Plain()
print(x == x, x == y, x != y, x is x, hash(x) == hash(x), len({x, y, x}))
try:
    x < y
except TypeError as e:
    print("TypeError:", e)


class Ver:
    def __init__(self, *parts):
        self.parts = parts

    def __eq__(self, o):
        return self.parts == o.parts

    def __hash__(self):
        return hash(self.parts)

    def __le__(self, o):
        return self.parts <= o.parts

    def __ge__(self, o):
        return self.parts >= o.parts


print(Ver(1, 2) <= Ver(1, 3), Ver(1, 2) >= Ver(1, 3), {Ver(1): 1}[Ver(1)])
try:
    Ver(1) < Ver(2)
except TypeError as e:
    print("TypeError:", e)
print(sorted([(2, "b"), (1, "z"), (2, "a")]), sorted(["b", "A", "c"], key=str.lower))
print([1, 2] < [1, 2, 0], (1, "a") < (1, "b"), {1, 2} <= {1, 2, 3}, 1 == 1.0, hash(1) == hash(1.0) == hash(True))
