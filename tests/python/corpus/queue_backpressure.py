# status: completed
# Queue(maxsize=2): the producer blocks when the queue is full and resumes
# when the slower consumer takes an item; qsize, full and empty.
import asyncio


async def producer(q):
    for i in range(5):
        await q.put(i)
        print("put", i, "qsize", q.qsize(), "full", q.full())
    await q.put(None)


async def consumer(q):
    while True:
        item = await q.get()
        if item is None:
            break
        await asyncio.sleep(0.3)
        print("consumed", item)
    print("empty at the end:", q.empty())


async def main():
    q = asyncio.Queue(maxsize=2)
    await asyncio.gather(producer(q), consumer(q))


asyncio.run(main())
