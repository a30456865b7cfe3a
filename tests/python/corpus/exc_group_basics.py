# status: completed
# ExceptionGroup and BaseExceptionGroup as values: message, exceptions,
# str and repr, subgroup, split, derive, nesting, and which class a
# constructor call gives.
import asyncio


def describe(eg):
    if eg is None:
        return "None"
    return f"{type(eg).__name__}({eg.message!r}, {list(eg.exceptions)!r})"


async def main():
    eg = ExceptionGroup("several", [ValueError(1), TypeError("t"), ValueError(2)])
    print(str(eg))
    print(repr(eg))
    print(eg.message, len(eg.exceptions), isinstance(eg, Exception), isinstance(eg, BaseExceptionGroup))
    print(describe(eg.subgroup(ValueError)))
    print(describe(eg.subgroup(KeyError)))
    match, rest = eg.split(TypeError)
    print(describe(match), "|", describe(rest))
    match, rest = eg.split(lambda e: isinstance(e, ValueError) and e.args[0] > 1)
    print(describe(match), "|", describe(rest))
    nested = ExceptionGroup("outer", [ValueError("a"), ExceptionGroup("inner", [KeyError("k"), ValueError("b")])])
    print(str(nested))
    print(describe(nested.subgroup(ValueError)))
    print(describe(nested.derive([OSError("x")])))
    beg = BaseExceptionGroup("base", [ValueError("v")])
    print(type(beg).__name__)
    beg2 = BaseExceptionGroup("base", [KeyboardInterrupt()])
    print(type(beg2).__name__, isinstance(beg2, Exception))
    try:
        ExceptionGroup("bad", [KeyboardInterrupt()])
    except TypeError as e:
        print("TypeError:", e)
    try:
        ExceptionGroup("empty", [])
    except ValueError as e:
        print("ValueError:", e)
    try:
        raise eg
    except ExceptionGroup as caught:
        print("caught plainly:", caught is eg)


asyncio.run(main())
