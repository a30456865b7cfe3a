# status: completed
# The rest of a task's surface: set_result/set_exception are refused,
# get_coro(), get_loop(), asyncio.isfuture / iscoroutine /
# iscoroutinefunction, ensure_future of a future returns it, exception()
# of a cancelled task raises CancelledError, create_task of a non-coroutine
# is TypeError.
import asyncio


async def work():
    await asyncio.sleep(0.1)
    return 5


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(work())
    for call in (lambda: t.set_result(1), lambda: t.set_exception(ValueError())):
        try:
            call()
        except RuntimeError as e:
            print("RuntimeError:", e)
    coro = t.get_coro()
    print(type(coro).__name__, coro.__name__, t.get_loop() is loop)
    print(asyncio.isfuture(t), asyncio.isfuture(coro), asyncio.iscoroutine(coro), asyncio.iscoroutine(t))
    print(asyncio.iscoroutinefunction(work), asyncio.iscoroutinefunction(print))
    f = loop.create_future()
    print(asyncio.ensure_future(f) is f, asyncio.ensure_future(t) is t)
    print(await t)
    c = asyncio.create_task(work())
    await asyncio.sleep(0)
    c.cancel()
    await asyncio.sleep(0)
    try:
        c.exception()
    except asyncio.CancelledError:
        print("exception() of a cancelled task raises CancelledError")
    try:
        asyncio.create_task(work)
    except TypeError as e:
        print("TypeError:", str(e).split(" at 0x")[0])
    f.cancel()


asyncio.run(main())
