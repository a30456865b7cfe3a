# status: completed
# Cancelling a task blocked in Queue.get or Queue.put: it leaves the
# queue's waiters, and the next item goes to the next getter; wait_for
# around get gives a timeout for an empty queue.
import asyncio


async def getter(q, name):
    try:
        item = await q.get()
        print(f"{name} got {item}")
    except asyncio.CancelledError:
        print(f"{name} cancelled while waiting")
        raise


async def main():
    q = asyncio.Queue()
    g1 = asyncio.create_task(getter(q, "g1"))
    g2 = asyncio.create_task(getter(q, "g2"))
    await asyncio.sleep(0.1)
    g1.cancel()
    await asyncio.sleep(0)
    q.put_nowait("only item")
    await asyncio.sleep(0)
    print(g1.cancelled(), g2.done())
    full = asyncio.Queue(maxsize=1)
    full.put_nowait(1)
    p = asyncio.create_task(full.put(2))
    await asyncio.sleep(0.1)
    p.cancel()
    await asyncio.sleep(0)
    print("put cancelled:", p.cancelled(), full.qsize())
    try:
        await asyncio.wait_for(q.get(), timeout=0.5)
    except TimeoutError:
        print(f"get timed out at {asyncio.get_running_loop().time():.2f}")


asyncio.run(main())
