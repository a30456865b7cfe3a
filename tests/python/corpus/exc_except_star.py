# status: completed
# except*: each clause takes the matching part of a group; several clauses
# can run for one group; a bare exception is wrapped in a group for the
# clause; the part no clause matches is raised again as a group.
import asyncio


def run(label, exc):
    print(f"-- {label}")
    try:
        try:
            raise exc
        except* ValueError as eg:
            print("ValueError clause:", repr(eg))
        except* (TypeError, KeyError) as eg:
            print("TypeError/KeyError clause:", repr(eg))
        else:
            print("else")
        print("after the try")
    except BaseException as e:
        print("escaped:", repr(e))


async def main():
    run("group of three", ExceptionGroup("g", [ValueError(1), TypeError(2), KeyError(3)]))
    run("bare ValueError", ValueError("alone"))
    run("unmatched OSError", ExceptionGroup("g", [ValueError(1), OSError("no clause")]))
    run("bare unmatched", OSError("plain"))
    try:
        pass
    except* ValueError:
        print("not reached")
    else:
        print("no exception: else runs")
    finally:
        print("finally runs")


asyncio.run(main())
