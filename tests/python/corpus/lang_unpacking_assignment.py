# status: completed
# Assignment with tuple unpacking, starred targets, swaps, chained and
# augmented assignment.
a, b = 1, 2
a, b = b, a
print(a, b)
(x, y), z = (3, 4), 5
print(x, y, z)
first, *middle, last = [1, 2, 3, 4, 5]
print(first, middle, last)
head, *tail = "hello"
print(head, tail)
p = q = 7
print(p, q)
n = 10
n += 5
n -= 3
n *= 2
n //= 5
n %= 3
n **= 3
print(n)
s = "ab"
s += "cd"
s *= 2
print(s)
items = [1, 2]
items += [3]
items *= 2
print(items)
f = 1.5
f /= 2
print(f)
for i, (k, v) in enumerate({"x": 1, "y": 2}.items()):
    print(i, k, v)
pairs = [(1, "one"), (2, "two")]
nums, words = zip(*pairs)
print(nums, words)
