# status: completed
# random.seed(n) makes the module's draws CPython's exact Mersenne Twister
# sequence: random(), getrandbits, randint, randrange (with a step, and
# negative bounds), uniform, choice, shuffle and sample; the same seed
# gives the same sequence again.
import random


def draws():
    out = [random.random() for _ in range(3)]
    out.append(random.getrandbits(1))
    out.append(random.getrandbits(32))
    out.append(random.getrandbits(63))
    out.append([random.randint(1, 6) for _ in range(10)])
    out.append(random.randrange(10))
    out.append(random.randrange(-50, 50, 7))
    out.append(random.randrange(0, 10 ** 12))
    out.append(random.uniform(2.5, 10.0))
    out.append(random.choice("abcdefg"))
    out.append(random.choice([10, 20, 30]))
    deck = list(range(10))
    random.shuffle(deck)
    out.append(deck)
    out.append(random.sample(range(100), 5))
    out.append(random.sample(["x", "y", "z", "w"], k=4))
    return out


random.seed(42)
first = draws()
for value in first:
    print(value)
random.seed(42)
print("repeatable:", draws() == first)
for seed in (0, 1, 2 ** 32 + 5, 2 ** 62 + 12345, -7):
    random.seed(seed)
    print(seed, random.random(), random.randint(0, 1000))
