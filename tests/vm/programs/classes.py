# Properties, static and class methods, super() with object's defaults,
# __setattr__ through object.__setattr__, __getattr__ fallbacks, builtins
# over attributes and types.
class Temp:
    scale = "C"

    def __init__(self, c):
        self._c = c

    @property
    def f(self):
        return self._c * 9 / 5 + 32

    @f.setter
    def f(self, value):
        self._c = (value - 32) * 5 / 9

    @staticmethod
    def kind():
        return "temperature"

    @classmethod
    def boiling(cls):
        return cls(100)


t = Temp(20)
print(t.f, Temp.kind(), t.kind(), Temp.boiling().f, Temp.scale)
t.f = 212
print(round(t._c, 6))


class Tracked:
    def __init__(self):
        self.log = []

    def __setattr__(self, name, value):
        if name != "log":
            self.log.append(name)
        object.__setattr__(self, name, value)

    def __getattr__(self, name):
        return f"<no {name}>"


tr = Tracked()
tr.a = 1
tr.b = 2
print(tr.log, tr.a, tr.missing, getattr(tr, "b"), getattr(tr, "zzz", "default"), hasattr(tr, "a"))


class Base:
    def __init__(self, x):
        self.x = x

    def describe(self):
        return f"Base({self.x})"

    def __eq__(self, o):
        return super().__eq__(o)


class Child(Base):
    def __init__(self, x, y):
        super().__init__(x)
        self.y = y

    def describe(self):
        return "Child/" + super().describe()


c = Child(1, 2)
print(c.describe(), isinstance(c, Base), issubclass(Child, Base), type(c).__name__, c == c, c == Child(1, 2))
print(isinstance(c, (int, Base)), isinstance(1, (str, (float, int))), callable(Child), callable(c))
setattr(c, "z", 3)
print(c.z, vars(c), sorted(k for k in dir(c) if not k.startswith("_")))
delattr(c, "z")
print(hasattr(c, "z"), type(1) is int, type("a").__name__, int.__name__, str(int), repr(Child).endswith("Child'>"))
try:
    object.__init__(c, 1)
except TypeError as e:
    print("TypeError:", e)


class NoInit:
    pass


try:
    NoInit(1)
except TypeError as e:
    print("TypeError:", e)
print(int("42"), int("0x1f", 16), int(" 7 "), float("1e3"), str(12), bool(""), list("ab"), tuple([1]), dict(a=1))
print(min(3, 1, 2, key=lambda v: -v), max([], default="empty"), sum([0.1] * 3), abs(-3), chr(65), ord("a"))
