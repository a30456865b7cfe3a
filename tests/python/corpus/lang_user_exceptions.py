# status: completed
# User exceptions derived from Exception: a hierarchy, extra attributes,
# caught by base class, str() and args.
class AppError(Exception):
    pass


class NotFound(AppError):
    def __init__(self, key):
        super().__init__(f"not found: {key}")
        self.key = key


class Timeout(AppError):
    pass


def lookup(key):
    if key == "t":
        raise Timeout("took too long", 3)
    raise NotFound(key)


for key in ["x", "t"]:
    try:
        lookup(key)
    except NotFound as e:
        print("NotFound:", e, e.key, e.args)
    except AppError as e:
        print(type(e).__name__, "->", e, e.args, isinstance(e, Exception))
print(issubclass(NotFound, AppError), repr(Timeout("x")), str(AppError()))
