# Containers as programs use them: self-referencing reprs, dict views kept
# live, iteration while changing, sorting stability, comprehensions feeding
# the builtins, unpacking into print.
a = [1, 2]
a.append(a)
print(a, len(a), a[2] is a)
d = {"k": 1}
d["self"] = d
print(d)
t = (a,)
print(t)
scores = {"ann": 3, "bob": 1, "cy": 2}
keys = scores.keys()
items = scores.items()
scores["dee"] = 0
print(keys, len(keys), "dee" in keys, ("ann", 3) in items, list(reversed(keys)))
print(sorted(scores, key=scores.get), sorted(scores.items(), key=lambda kv: kv[1], reverse=True))
print(keys & {"ann", "zed"}, keys - {"ann"} == {"bob", "cy", "dee"}, dict(sorted(items)))
try:
    for k in scores:
        scores[k + "!"] = 1
except RuntimeError as e:
    print("RuntimeError:", e)
s = {1, 2, 3}
try:
    for x in s:
        s.add(x * 10)
except RuntimeError as e:
    print("RuntimeError:", e)
records = [("b", 2), ("a", 2), ("c", 1), ("d", 1)]
print(sorted(records, key=lambda r: r[1]), sorted(records, key=lambda r: r[1], reverse=True))
words = "the quick brown fox jumps over the lazy dog the end".split()
counts = {}
for w in words:
    counts[w] = counts.get(w, 0) + 1
print(counts, max(counts, key=counts.get), sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:3])
matrix = [[r * 3 + c for c in range(3)] for r in range(3)]
print(matrix, [list(col) for col in zip(*matrix)], sum(sum(row) for row in matrix), [row[::-1] for row in matrix])
print(*range(5), sep="|")
first, *middle, last = range(6)
print(first, middle, last, {**{"a": 1}, "b": 2}, [*"ab", *range(2)], {x % 3 for x in range(10)})
q = list(range(10))
del q[::3]
q[1:3] = ["x", "y", "z"]
q.insert(0, q.pop())
print(q, q.index("z"), q.count("x"), q[-2:], q[::-2])
stack = []
for ch in "(a[b]{c})":
    if ch in "([{":
        stack.append(ch)
    elif ch in ")]}":
        stack.pop()
print(stack == [], divmod(-7, 2), -7 // 2, -7 % 2, 7.5 // 2, -7.5 % 2, 2 ** -1, 10 / 4, round(-0.5), round(0.5))
print(list(map(str.upper, ["a", "b"])), list(filter(None, [0, "", "x", [], [0]])), any(x > 8 for x in range(10)))
print(dict.fromkeys("abc", 0), list(zip(range(3), "abc", [True, False, None])), list(enumerate("xy", start=10)))
nested = {"a": [1, {"b": (2, 3)}], "c": {"d": None}}
print(nested["a"][1]["b"][-1], nested.get("z", "none"), nested.setdefault("e", []), nested)
print(str(set()), repr(frozenset()), [] == [], () == (), [1] == (1,), {} == dict(), range(0) == range(2, 2))
