# status: failed
# An exception escaping plain synchronous code, through three functions.
def ratio(a, b):
    return a / b


def average(xs):
    return ratio(sum(xs), len(xs))


def report(groups):
    for name, xs in groups:
        print(name, average(xs))


report([("first", [1, 2, 3]), ("empty", [])])
