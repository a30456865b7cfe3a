# status: completed
# The distributions of Lib/random.py from a seeded generator:
# expovariate, gauss (which keeps its second value for the next call, and
# loses it on seed), normalvariate, triangular, choices with and without
# weights, and a random.Random instance independent of the module's.
import random

random.seed(2024)
print([round(random.expovariate(2.0), 12) for _ in range(4)])
print([round(random.gauss(0, 1), 12) for _ in range(3)])
random.seed(2024)
print("gauss after reseed:", round(random.gauss(10, 2), 12))
print([round(random.normalvariate(5, 0.5), 12) for _ in range(3)])
print([round(random.triangular(0, 10, 3), 12) for _ in range(3)])
print(random.choices("abc", k=5))
print(random.choices(["red", "green", "blue"], weights=[10, 1, 1], k=6))
print(random.choices(range(5), cum_weights=[1, 2, 3, 4, 50], k=4))
r = random.Random(7)
before = random.random()
print(r.random(), r.randint(1, 100), r.choice(["p", "q"]))
random.seed(2024)
for _ in range(11):
    random.random()
r2 = random.Random()
r2.seed(7)
print("instance repeatable:", r2.random() == random.Random(7).random())
print(random.Random(7).getrandbits(16), before == before)
