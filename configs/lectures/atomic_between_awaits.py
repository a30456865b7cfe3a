# status: completed
# Lecture 22, slide 10 (configs/lectures/atomic_between_awaits.yaml, claim
# S10): a read-modify-write with no await in the middle loses no update on
# the loop; with an await between read and write, updates are lost.
import asyncio

from concsim import cpu

counter = 0
counter_across_await = 0


async def worker():
    global counter, counter_across_await
    for _ in range(100):
        tmp = counter
        cpu(0.000001)
        counter = tmp + 1
        tmp2 = counter_across_await
        await asyncio.sleep(0.000001)
        counter_across_await = tmp2 + 1


async def main():
    await asyncio.gather(*(worker() for _ in range(10)))
    print(f"counter = {counter} (expected 1000), counter_across_await = {counter_across_await}")


asyncio.run(main())
