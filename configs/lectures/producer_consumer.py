# status: completed
# The guide's producer-consumer (configs/lectures/producer_consumer.yaml,
# claim S12): five items 0.1 s apart, 0.2 s per item, None as the
# sentinel; the consumer is done at 1.1 s. "Produced: 2" and "Consumed: 0"
# (0.3 s), "Produced: 4" and "Consumed: 1" (0.5 s) fall due together: on a
# real clock their order is chance, on the virtual clock the tie rule's
# (deadlines computed in floats, then creation order).
import asyncio
from asyncio import Queue


async def producer(queue, n):
    for i in range(n):
        await asyncio.sleep(0.1)
        await queue.put(i)
        print(f"Produced: {i}")
    await queue.put(None)


async def consumer(queue):
    while True:
        item = await queue.get()
        if item is None:
            break
        await asyncio.sleep(0.2)
        print(f"Consumed: {item}")
    print("consumer done")


async def main():
    queue = Queue()
    await asyncio.gather(producer(queue, 5), consumer(queue))


asyncio.run(main())
