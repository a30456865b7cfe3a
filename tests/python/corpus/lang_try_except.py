# status: completed
# try/except with a class, a tuple of classes and `as e`; else; finally;
# finally running on return and on an exception that propagates.
def divide(a, b):
    try:
        result = a / b
    except ZeroDivisionError as e:
        print("caught:", e)
        return None
    except (TypeError, ValueError) as e:
        print("bad types:", type(e).__name__, e)
        return None
    else:
        print("no error")
        return result
    finally:
        print("finally for", a, b)


print(divide(6, 3))
print(divide(1, 0))
print(divide("x", 2))


def convert(text):
    try:
        return int(text)
    except ValueError:
        return -1


print(convert("12"), convert("twelve"))


def inner():
    try:
        raise KeyError("k")
    finally:
        print("inner cleanup")


try:
    inner()
except LookupError as e:
    print("outer caught", type(e).__name__, repr(e))

try:
    try:
        [][1]
    except IndexError:
        print("handling index error")
        raise
except IndexError as e:
    print("re-raised:", e)

try:
    d = {}
    d["missing"]
except KeyError as e:
    print("KeyError str:", e, "args:", e.args)
