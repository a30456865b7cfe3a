# status: completed
# An exception raised by a loop callback (call_soon, call_later) does not
# stop the loop: the default exception handler logs "Exception in callback
# ..." with the handle, and the loop carries on.
import asyncio


def broken(n):
    raise ZeroDivisionError(f"callback {n} divided by zero")


async def main():
    loop = asyncio.get_running_loop()
    loop.call_soon(broken, 1)
    loop.call_later(0.2, broken, 2)
    await asyncio.sleep(0.5)
    print("loop still running")


asyncio.run(main())
