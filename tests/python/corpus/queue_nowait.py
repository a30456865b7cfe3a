# status: completed
# Queue's non-blocking side: qsize, empty, full, maxsize, put_nowait
# raising QueueFull, get_nowait raising QueueEmpty; maxsize 0 is unbounded;
# task_done too often is ValueError.
import asyncio


async def main():
    q = asyncio.Queue(maxsize=2)
    print(q.qsize(), q.empty(), q.full(), q.maxsize)
    q.put_nowait("a")
    q.put_nowait("b")
    print(q.qsize(), q.empty(), q.full())
    try:
        q.put_nowait("c")
    except asyncio.QueueFull:
        print("QueueFull", repr(asyncio.QueueFull()))
    print(q.get_nowait(), q.get_nowait())
    try:
        q.get_nowait()
    except asyncio.QueueEmpty as e:
        print("QueueEmpty", type(e).__name__, isinstance(e, Exception))
    big = asyncio.Queue()
    for i in range(100):
        big.put_nowait(i)
    print(big.qsize(), big.full(), big.maxsize)
    q.task_done()
    q.task_done()
    try:
        q.task_done()
    except ValueError as e:
        print("ValueError:", e)
    await q.join()
    print("joined")


asyncio.run(main())
