# status: completed
# Lecture 22, slides 4 and 5 (configs/lectures/loop_cycle.yaml, claim S18):
# one task waits on (simulated) I/O, one on a timer; both resume after 5 ms.
import asyncio

from concsim import io


async def reader():
    await io(0.005)
    print("read done")


async def sleeper():
    await asyncio.sleep(0.005)
    print("sleep done")


async def main():
    await asyncio.gather(reader(), sleeper())


asyncio.run(main())
