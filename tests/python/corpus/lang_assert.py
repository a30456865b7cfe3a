# status: completed
# assert that holds, and one that fails with and without a message.
def check(x):
    assert x > 0, f"x must be positive, got {x}"
    return x * 2


print(check(3))
try:
    check(-1)
except AssertionError as e:
    print("assertion:", e)
try:
    assert 1 == 2
except AssertionError as e:
    print("bare assertion args:", e.args)
