# status: completed
# list, dict and set comprehensions, generator expressions, nesting and
# conditions. Sets are printed sorted: their iteration order is hash order.
words = ["apple", "bob", "kayak", "level", "python"]
print([w.upper() for w in words if len(w) > 3])
print({w: len(w) for w in words})
print(sorted({len(w) for w in words}))
print(sum(len(w) for w in words))
print([(i, j) for i in range(3) for j in range(i)])
matrix = [[1, 2, 3], [4, 5, 6]]
print([[row[i] for row in matrix] for i in range(3)])
print([w for w in words if w == w[::-1]])
print(list(x * x for x in range(6) if x % 2 == 0))
print(any(w.startswith("p") for w in words), all(len(w) > 2 for w in words))
print({k: v for k, v in zip("abc", range(3))})
squares = {n: n * n for n in range(5)}
print(squares, max(squares.values()))
