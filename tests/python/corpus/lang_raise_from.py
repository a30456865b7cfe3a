# status: completed
# raise ... from: the cause is kept and can be inspected; `from None`
# suppresses the context.
class ConfigError(Exception):
    pass


def load(key):
    table = {"port": "80"}
    try:
        return int(table[key])
    except KeyError as e:
        raise ConfigError(f"missing key {key}") from e


try:
    load("host")
except ConfigError as e:
    print("error:", e)
    print("cause:", type(e.__cause__).__name__, e.__cause__)
    print("suppressed:", e.__suppress_context__)

try:
    try:
        1 / 0
    except ZeroDivisionError:
        raise ValueError("replaced") from None
except ValueError as e:
    print("error:", e, "cause:", e.__cause__, "suppressed:", e.__suppress_context__)
print(load("port"))
