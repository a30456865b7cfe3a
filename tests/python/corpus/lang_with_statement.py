# status: completed
# with: __enter__/__exit__ on normal exit and on an exception, an __exit__
# that suppresses, and two managers in one statement.
class Resource:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    def __enter__(self):
        print("enter", self.name)
        return self

    def __exit__(self, exc_type, exc, tb):
        print("exit", self.name, exc_type.__name__ if exc_type else None)
        return self.suppress


with Resource("a") as r:
    print("inside", r.name)

try:
    with Resource("b"):
        raise RuntimeError("boom")
except RuntimeError as e:
    print("propagated:", e)

with Resource("c", suppress=True):
    raise RuntimeError("swallowed")
print("after suppressed")

with Resource("d") as d, Resource("e") as e:
    print("both", d.name, e.name)
