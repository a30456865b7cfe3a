# status: completed
# Generator functions and generator expressions: lazy evaluation, next()
# with a default, yield from, a generator's return value.
def countdown(n):
    while n > 0:
        print("yielding", n)
        yield n
        n -= 1
    return "liftoff"


gen = countdown(3)
print("created")
print(next(gen))
print(list(gen))
print(next(gen, "exhausted"))


def chain(*iterables):
    for it in iterables:
        yield from it


print(list(chain([1, 2], "ab", range(2))))


def wrapper():
    result = yield from countdown(1)
    yield result


print(list(wrapper()))
squares = (i * i for i in range(4))
print(next(squares), sum(squares))
