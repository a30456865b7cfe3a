# status: completed
# Operator precedence, chained comparisons, and/or/not with short-circuit
# values, conditional expressions, `in` and `is`.
print(2 + 3 * 4, (2 + 3) * 4, 2 ** 3 ** 2, -2 ** 2, (-2) ** 2, 10 - 4 - 3, 100 / 10 / 5)
print(7 + 3 % 2, not True or True, not (True or True), 1 + 2 == 3 and 4 > 3)
x = 5
print(1 < x < 10, 1 < x > 10, x == 5 == 5.0, 0 <= x <= 4)
print(0 or "default", "" or [] or None, 3 and 4, 0 and 1/0, None is None, [] is not None)
calls = []


def note(v):
    calls.append(v)
    return v


note(0) and note(1)
note(2) or note(3)
print(calls)
grade = lambda s: "A" if s >= 90 else "B" if s >= 80 else "C"
print(grade(95), grade(85), grade(10))
print("a" in "cat", 3 in [1, 2], "k" in {"k": 1}, 2 not in (1, 3))
print(True + 1, 5 // 2 * 2 + 5 % 2, -7 // 2, 2 * -3, ~0 + 1)
