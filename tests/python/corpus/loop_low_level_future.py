# status: completed
# get_running_loop() and loop.create_future(): a future completed by a
# timer callback wakes its awaiter; set_result twice is InvalidStateError;
# set_exception makes await raise; result()/exception() of a pending future
# raise InvalidStateError; get_running_loop outside a loop is RuntimeError.
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    print("same loop:", loop is asyncio.get_running_loop(), loop.is_running())
    fut = loop.create_future()
    print("pending:", fut.done(), fut.cancelled())
    try:
        fut.result()
    except asyncio.InvalidStateError as e:
        print("InvalidStateError:", e)
    try:
        fut.exception()
    except asyncio.InvalidStateError as e:
        print("InvalidStateError:", e)
    loop.call_later(0.25, fut.set_result, "from a timer")
    print(await fut, f"at {loop.time():.2f}")
    try:
        fut.set_result("again")
    except asyncio.InvalidStateError as e:
        print("InvalidStateError:", e)
    bad = loop.create_future()
    loop.call_soon(bad.set_exception, OSError("disk on fire"))
    try:
        await bad
    except OSError as e:
        print("awaited exception:", repr(e), repr(bad.exception()))
    cancelled = loop.create_future()
    print("cancel:", cancelled.cancel("no need"), cancelled.cancelled())
    try:
        cancelled.result()
    except asyncio.CancelledError as e:
        print("cancelled result:", repr(e))
    try:
        cancelled.set_result(1)
    except asyncio.InvalidStateError as e:
        print("InvalidStateError:", e)
    print(fut.get_loop() is loop)


try:
    asyncio.get_running_loop()
except RuntimeError as e:
    print("outside:", e)
asyncio.run(main())
