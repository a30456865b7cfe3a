# status: stalled
# A consumer waits on an empty queue after the producer has ended.
import asyncio


async def producer(q):
    for i in range(2):
        await asyncio.sleep(0.1)
        await q.put(i)


async def consumer(q):
    while True:
        item = await q.get()
        print("consumed", item)


async def main():
    q = asyncio.Queue()
    await asyncio.gather(producer(q), consumer(q))


asyncio.run(main())
