# status: completed
# Raising inside except* clauses: a new exception raised in a clause joins
# the re-raised remainder in a new ExceptionGroup; `raise` re-raises the
# clause's part unchanged; the order of the result follows CPython.
import asyncio


def clause_raises_new():
    try:
        raise ExceptionGroup("g", [ValueError("v"), TypeError("t")])
    except* ValueError:
        raise KeyError("from the clause")


def clause_reraises():
    try:
        raise ExceptionGroup("g", [ValueError("v"), TypeError("t")])
    except* ValueError:
        print("re-raising the ValueError part")
        raise
    except* TypeError:
        print("swallowing the TypeError part")


def nested_groups():
    try:
        raise ExceptionGroup("outer", [ValueError(1), ExceptionGroup("inner", [ValueError(2), TypeError(3)])])
    except* ValueError as eg:
        print("matched:", repr(eg))


async def main():
    for f in (clause_raises_new, clause_reraises, nested_groups):
        try:
            f()
            print(f.__name__, "returned")
        except BaseException as e:
            print(f.__name__, "raised", repr(e))
            if isinstance(e, BaseExceptionGroup):
                for sub in e.exceptions:
                    print("   ", repr(sub), repr(sub.__context__))


asyncio.run(main())
