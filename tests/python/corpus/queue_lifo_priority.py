# status: completed
# LifoQueue gives the newest item first; PriorityQueue the smallest (tuples
# compare element by element, ties broken by the next field, as heapq's
# order); both with a bounded size and blocking put/get between tasks.
import asyncio


async def producer(q, items, tag):
    for item in items:
        await q.put(item)
        print(f"{tag} put {item!r}")


async def consumer(q, n, tag):
    got = []
    for _ in range(n):
        await asyncio.sleep(0.1)
        got.append(await q.get())
        q.task_done()
    print(f"{tag} got {got}")


async def main():
    lifo = asyncio.LifoQueue()
    for i in range(5):
        lifo.put_nowait(i)
    print([lifo.get_nowait() for _ in range(5)])
    pq = asyncio.PriorityQueue()
    for item in [(3, "c"), (1, "z"), (2, "b"), (1, "a"), (5, "e"), (0, "first")]:
        pq.put_nowait(item)
    print([pq.get_nowait() for _ in range(pq.qsize())])
    bounded = asyncio.PriorityQueue(maxsize=2)
    await asyncio.gather(producer(bounded, [(5, "five"), (1, "one"), (3, "three"), (2, "two")], "pq"),
                         consumer(bounded, 4, "pq"))
    lq = asyncio.LifoQueue(maxsize=2)
    await asyncio.gather(producer(lq, ["x", "y", "z"], "lifo"), consumer(lq, 3, "lifo"))
    await bounded.join()
    print(type(lq).__name__, isinstance(lq, asyncio.Queue), lq.empty())


asyncio.run(main())
