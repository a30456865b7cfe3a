# status: completed
# The common dict methods; dicts keep insertion order.
d = {"b": 2, "a": 1}
d["c"] = 3
print(d, len(d), d["a"], d.get("z"), d.get("z", 0))
print(list(d.keys()), list(d.values()), list(d.items()))
print(d.setdefault("d", 4), d.setdefault("a", 100), d)
print(d.pop("b"), d.pop("zz", "default"), d)
d.update({"e": 5, "a": 10})
d.update(f=6)
print(d)
print(d.popitem(), d)
print("a" in d, "b" in d, "b" not in d)
counts = {}
for word in "the cat and the hat and the bat".split():
    counts[word] = counts.get(word, 0) + 1
print(counts)
print(dict(zip(["x", "y"], [1, 2])), dict(a=1), dict([("k", "v")]))
print({**d, "z": 0}, sorted(counts, key=counts.get, reverse=True)[:2])
del d["a"]
print(d, d.copy() == d)
try:
    d["missing"]
except KeyError as e:
    print("KeyError:", e)
