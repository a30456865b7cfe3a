# status: completed
# Floats printed as Python prints them: shortest repr, exponents, integral
# floats, rounding (half to even, and binary representation), inf and nan.
values = [0.1 + 0.2, 1 / 3, 2 / 3, 1e16, 1e15, 1.5e-7, 0.0001, 1e-5, 123456789012345678.0,
          2.0, -0.0, 1e22, 1e300 * 10, 0.1 * 3, 100.0 / 3, 2 ** 0.5, 5e-324]
for v in values:
    print(v, repr(v), str(v))
print(float("inf"), -float("inf"), float("nan"))
print(round(2.5), round(3.5), round(-2.5), round(2.675, 2), round(0.125, 2), round(1234.5678, -2))
print(int(3.99), int(-3.99), float(7), float("1.50"), 7 / 2, 7 // 2, -7 // 2, 7 % -3, 2 ** -1)
print(sum([0.1] * 10), 0.1 * 10, 1e-3 * 1e3)
print([0.5, 1.25], (1.0,), {"x": 2.50})
print(abs(-2.5), min(1.5, 2), max(3, 2.9), divmod(7.5, 2))
