# The container and iteration protocols of user classes, and the builtins
# that use them.
class Deck:
    def __init__(self, cards):
        self.cards = list(cards)

    def __len__(self):
        return len(self.cards)

    def __getitem__(self, i):
        return self.cards[i]

    def __setitem__(self, i, v):
        self.cards[i] = v

    def __delitem__(self, i):
        del self.cards[i]

    def __contains__(self, c):
        return c in self.cards


d = Deck("ABCDE")
print(len(d), d[0], d[-1], d[1:3], "C" in d, "Z" in d, list(d), bool(d), list(reversed(d)))
d[0] = "a"
del d[1]
print(d.cards, sorted(d), max(d), "".join(d), list(enumerate(d, 1)))


class Countdown:
    def __init__(self, n):
        self.n = n

    def __iter__(self):
        return self

    def __next__(self):
        if self.n <= 0:
            raise StopIteration
        self.n -= 1
        return self.n + 1


print(list(Countdown(3)), sum(Countdown(4)), 2 in Countdown(3), list(zip(Countdown(3), "abc")))
print(list(map(lambda a, b: a * b, Countdown(3), [10, 20, 30])), list(filter(lambda v: v % 2, Countdown(5))))
it = iter(Countdown(2))
print(next(it), next(it), next(it, "done"))


def gen(n):
    for i in range(n):
        yield i * i


print(list(gen(4)), sum(gen(4)), sorted(gen(4), reverse=True), any(gen(1)), all(gen(3)), min(gen(5)))
print(dict(zip("abc", gen(3))), set(gen(3)) == {0, 1, 4}, tuple(gen(2)), next(gen(3)))
print(list(enumerate(gen(3))), [x for x in gen(5) if x > 3], ", ".join(str(x) for x in gen(4)))


class Truth:
    def __init__(self, v):
        self.v = v

    def __bool__(self):
        return self.v


class Sized:
    def __len__(self):
        return 0


print(bool(Truth(True)), bool(Truth(False)), bool(Sized()), not Sized(), [t.v for t in [Truth(1)] if t] if False else 1)
try:
    bool(Truth(1))
except TypeError as e:
    print("TypeError:", e)


class OldSeq:
    def __getitem__(self, i):
        if i >= 3:
            raise IndexError
        return i * 10


print(list(OldSeq()), 20 in OldSeq(), 25 in OldSeq())
try:
    len(Countdown(1))
except TypeError as e:
    print("TypeError:", e)
try:
    iter(5)
except TypeError as e:
    print("TypeError:", e)
