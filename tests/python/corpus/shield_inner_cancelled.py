# status: completed
# Cancelling the task inside a shield cancels the shield's outer future
# too; wait_for around a shield times out and leaves the inner task
# running to its end.
import asyncio


async def work(d):
    await asyncio.sleep(d)
    return d


async def main():
    inner = asyncio.create_task(work(1))
    outer = asyncio.shield(inner)
    await asyncio.sleep(0.1)
    inner.cancel()
    try:
        await outer
    except asyncio.CancelledError:
        print("outer cancelled:", outer.cancelled(), "inner cancelled:", inner.cancelled())
    inner2 = asyncio.create_task(work(0.5))
    waiter = asyncio.create_task(asyncio.wait_for(asyncio.shield(inner2), 0.2))
    await asyncio.sleep(0.3)
    print("waiter:", waiter.done(), type(waiter.exception()).__name__)
    print("inner2:", await inner2, inner2.done())


asyncio.run(main())
