# status: completed
# The common list methods.
xs = [3, 1, 4]
xs.append(1)
xs.extend([5, 9])
xs.insert(0, 2)
print(xs, len(xs))
print(xs.pop(), xs.pop(0), xs)
xs.remove(1)
print(xs, xs.index(4), xs.count(1))
xs.sort()
print(xs)
xs.sort(reverse=True)
print(xs)
xs.reverse()
print(xs)
ys = xs.copy()
ys.clear()
print(xs, ys)
print([1, 2] + [3], [0] * 3, [1, 2] == [1, 2], [1, 2] < [1, 3], [[1], [2]])
print(sorted(["pear", "fig", "apple"]), list(reversed([1, 2, 3])), list("ab"))
try:
    [].pop()
except IndexError as e:
    print("IndexError:", e)
try:
    [1].remove(2)
except ValueError as e:
    print("ValueError:", e)
