# status: completed
# lambda as a value, as a sort key, in min/max and map/filter.
people = [("ann", 31), ("bob", 27), ("cy", 45), ("di", 27)]
print(sorted(people, key=lambda p: p[1]))
print(sorted(people, key=lambda p: (-p[1], p[0])))
print(min(people, key=lambda p: p[1]), max(people, key=lambda p: p[1]))
double = lambda x: x * 2
print(double(21), (lambda a, b=3: a + b)(1))
print(list(map(lambda x: x + 1, [1, 2, 3])))
print(list(filter(lambda x: x % 2, range(10))))
adders = [lambda x, n=n: x + n for n in range(3)]
print([f(10) for f in adders])
print(sorted(["b", "A", "c"], key=str.lower), sorted([3, 1, 2], reverse=True))
