# status: completed
# Slicing of lists, strings and tuples: steps, negative indices, slice
# assignment and deletion, `in`.
xs = list(range(10))
print(xs[2:5], xs[:3], xs[7:], xs[-3:], xs[::2], xs[::-1], xs[1:8:3], xs[-1], xs[-2:-5:-1])
s = "concurrency"
print(s[0], s[-1], s[3:7], s[::-1], s[::3], s[100:], s[:-100])
t = (1, 2, 3, 4)
print(t[1:3], t[::-2])
ys = xs[:]
ys[2:4] = ["a", "b", "c"]
print(ys)
del ys[::2]
print(ys)
print(3 in xs, 42 in xs, "cur" in s, "xyz" not in s)
print(len(xs[3:3]), xs[5:2])
