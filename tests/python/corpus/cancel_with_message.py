# status: completed
# Task.cancel(msg): the message reaches the coroutine's CancelledError and
# the awaiting task's; repr and str of CancelledError with and without a
# message; a cancel of a done task returns False.
import asyncio


async def sleeper():
    try:
        await asyncio.sleep(10)
    except asyncio.CancelledError as e:
        print("inside:", repr(e), e.args, f"str={str(e)!r}")
        raise


async def main():
    t = asyncio.create_task(sleeper())
    await asyncio.sleep(0.1)
    print("cancel returns", t.cancel("shutting down"))
    try:
        await t
    except asyncio.CancelledError as e:
        print("outside:", repr(e), e.args)
    print("cancel again:", t.cancel("again"))
    t2 = asyncio.create_task(sleeper())
    await asyncio.sleep(0.1)
    t2.cancel()
    try:
        await t2
    except asyncio.CancelledError as e:
        print("no message:", repr(e), e.args, f"str={str(e)!r}")
    try:
        t2.result()
    except asyncio.CancelledError as e:
        print("result():", repr(e))
    print(repr(asyncio.CancelledError()), repr(asyncio.CancelledError("")), repr(asyncio.CancelledError("x")))
    print(issubclass(asyncio.CancelledError, BaseException), issubclass(asyncio.CancelledError, Exception))


asyncio.run(main())
