# status: completed
# Lecture 21, slide 4 and the guide's error handling
# (configs/lectures/gather_exceptions.yaml, claim S16): gather raises the
# first exception at once while the other tasks finish at 1 s;
# return_exceptions=True returns the exception among the results.
import asyncio


async def task(n):
    if n == 2:
        raise ValueError(f"Task {n} failed!")
    await asyncio.sleep(1)
    print(f"task {n} finished")
    return n


async def main():
    a = asyncio.create_task(task(1))
    b = asyncio.create_task(task(2))
    c = asyncio.create_task(task(3))
    try:
        await asyncio.gather(a, b, c)
    except ValueError as e:
        print(f"gather raised {e}")
    await a
    await c
    print("the other tasks finished anyway")
    results = await asyncio.gather(task(1), task(2), task(3), return_exceptions=True)
    print(f"return_exceptions=True: {results}")


asyncio.run(main())
