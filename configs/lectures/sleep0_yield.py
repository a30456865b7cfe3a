# status: completed
# Lecture 22, slide 9 (configs/lectures/sleep0_yield.yaml, claim S9): a
# 100 ms CPU loop freezes a 10 ms heartbeat; with sleep(0) every 10
# iterations the heartbeat is late by at most one batch.
import asyncio

from concsim import cpu


async def heartbeat(phase):
    for i in range(10):
        await asyncio.sleep(0.010)
        print(f"heartbeat {phase}.{i}")


async def crunch(yield_every):
    for i in range(100):
        cpu(0.001)
        if yield_every > 0 and i % yield_every == yield_every - 1:
            await asyncio.sleep(0)


async def main():
    print("phase 1: no yield")
    h1 = asyncio.create_task(heartbeat(1))
    await asyncio.sleep(0)
    await crunch(0)
    await h1
    print("phase 2: sleep(0) every 10 iterations")
    h2 = asyncio.create_task(heartbeat(2))
    await asyncio.sleep(0)
    await crunch(10)
    await h2


asyncio.run(main())
