# status: completed
# Classes: __init__, methods, attributes, class attributes, single
# inheritance with super(), overriding, __repr__/__str__, isinstance.
class Account:
    bank = "concbank"

    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance

    def deposit(self, amount):
        self.balance += amount
        return self

    def describe(self):
        return f"{self.owner}: {self.balance}"

    def __repr__(self):
        return f"Account({self.owner!r}, {self.balance})"


class Savings(Account):
    def __init__(self, owner, balance=0, rate=0.02):
        super().__init__(owner, balance)
        self.rate = rate

    def describe(self):
        return super().describe() + f" at {self.rate:.1%}"

    def add_interest(self):
        self.balance = round(self.balance * (1 + self.rate), 2)


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __str__(self):
        return f"({self.x}, {self.y})"

    def __eq__(self, other):
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)

    def __add__(self, other):
        return Point(self.x + other.x, self.y + other.y)


a = Account("ann").deposit(50).deposit(25)
s = Savings("bob", 1000)
s.add_interest()
print(a.describe(), "|", s.describe())
print(repr(a), [s], a.bank, Savings.bank)
print(isinstance(s, Account), isinstance(a, Savings), type(s).__name__, Savings.__mro__[1].__name__)
p = Point(1, 2) + Point(3, 4)
print(p, str(p), p == Point(4, 6), p != Point(0, 0))
s.nickname = "b"
print(s.nickname, hasattr(a, "nickname"), getattr(a, "owner"))
