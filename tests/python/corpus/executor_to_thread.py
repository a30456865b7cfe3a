# status: completed
# asyncio.to_thread with arguments and keyword arguments; an exception in
# the thread comes back to the awaiting task.
import asyncio
import time


def work(name, delay, *, factor=1):
    time.sleep(delay)
    print("thread work", name)
    return len(name) * factor


def broken():
    time.sleep(0.1)
    raise OSError("disk on fire")


async def main():
    r = await asyncio.gather(asyncio.to_thread(work, "alpha", 0.3, factor=2),
                             asyncio.to_thread(work, "be", 0.2))
    print(r)
    try:
        await asyncio.to_thread(broken)
    except OSError as e:
        print("OSError from the thread:", e)


asyncio.run(main())
