# status: completed
# Integer arithmetic within 64 bits: floor division and modulo with
# negatives, powers, divmod, bool arithmetic, comparisons, int() parsing.
# Every intermediate result fits in 64 bits: concsim's ints are 64-bit and
# an overflow is an OverflowError (see the README's table).
print(7 // 2, -7 // 2, 7 // -2, 7 % 3, -7 % 3, 7 % -3)
print(divmod(17, 5), divmod(-17, 5), 2 ** 10, 3 ** 4, (-2) ** 3, pow(2, 20))
print(True + True, False * 5, int(True), 10 / 4, 9 / 3)
print(int("42"), int("-17"), int("ff", 16), int("0b101", 0), int(" 8 "))
print(abs(-9), max(3, 9, 4), min([5, 2, 8]), sum(range(101)))
print(1 < 2 < 3, 3 > 2 > 2, 1 == 1.0, 5 != 5)
print(0x1F, 0o17, 0b11, 1_000_000)
print(2 ** 62, -(2 ** 62) * 2, (2 ** 31) * (2 ** 31))
print(17 & 5, 17 | 5, 17 ^ 5, ~17, 1 << 10, 1024 >> 3)
