# status: completed
# Lecture 22, slides 7 and 8 (configs/lectures/blocking_vs_executor.yaml,
# claim S8): a 1 s blocking call on the loop freezes a 0.1 s ticker; the
# same call in run_in_executor leaves it on time. The executor's result and
# a tick are due together at 2.25 s: on a real clock their order is chance,
# on the virtual clock the tie rule's (the worker's sleep was registered first).
import asyncio
import time


async def ticker():
    for i in range(24):
        await asyncio.sleep(0.1)
        print(f"tick {i}")


def blocking_read():
    time.sleep(1)  # e.g. requests.get()
    return "data"


async def main():
    t = asyncio.create_task(ticker())
    await asyncio.sleep(0.25)
    print("blocking call on the loop")
    r1 = blocking_read()
    print(f"blocking call returned {r1}; now the same call in the executor")
    loop = asyncio.get_running_loop()
    r2 = await loop.run_in_executor(None, blocking_read)
    print(f"executor returned {r2}")
    await t


asyncio.run(main())
