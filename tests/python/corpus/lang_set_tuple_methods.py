# status: completed
# set and tuple methods. Sets are shown sorted (their order is hash order,
# which CPython randomises for strings).
a = {1, 2, 3}
b = {3, 4}
a.add(5)
a.discard(1)
a.discard(42)
print(sorted(a), sorted(a | b), sorted(a & b), sorted(a - b), sorted(a ^ b))
print(sorted(a.union(b)), sorted(a.intersection(b)), a.issubset({2, 3, 5, 7}), len(a))
tags = set("mississippi")
print(sorted(tags), "s" in tags)
words = {"beta", "alpha"}
words.add("gamma")
print(sorted(words))
t = (1, 2, 2, 3)
print(t.count(2), t.index(3), len(t), t + (4,), t * 2, (1,) < (2,), tuple([5, 6]))
print(min(t), max(t), sum(t), sorted(t, reverse=True))
try:
    set().pop()
except KeyError as e:
    print("KeyError:", e)
