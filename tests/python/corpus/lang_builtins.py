# status: completed
# The common builtins.
xs = [5, 3, 8, 1]
print(len(xs), min(xs), max(xs), sum(xs), sorted(xs), list(reversed(xs)))
print(list(enumerate("ab")), list(enumerate("ab", start=1)), list(zip([1, 2, 3], "ab")))
print(list(range(3)), list(range(2, 8, 2)), range(5)[-1], len(range(0, 10, 3)))
print(str(5), repr("5"), int("7"), float("2.5"), round(2.567, 1), abs(-3), bool(""), bool([0]))
print(isinstance(3, int), isinstance(True, int), isinstance("x", (int, str)), isinstance(1.0, int))
print(type(3).__name__, type("s").__name__, type([]).__name__, type(None).__name__, type(1.5).__name__)
print(any([0, 0, 1]), all([1, 1, 0]), any([]), all([]))
print(list(map(str, [1, 2])), list(filter(None, [0, 1, "", "a"])), tuple("ab"), set([1, 1]))
print(dict(a=1), list(), str(), int(), float(), tuple(), chr(97), ord("a"), hex(255), bin(5))
print(max("apple", "fig", key=len), min([], default="empty"), sum([1, 2], 10), divmod(9, 4))
print(*xs, sep=", ")
print(sorted([("b", 2), ("a", 2), ("c", 1)], key=lambda p: p[1]))
