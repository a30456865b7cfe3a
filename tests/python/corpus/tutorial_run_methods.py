# status: completed
# The guide's "Running async code": asyncio.run at the top level, awaiting
# one coroutine from another, and asyncio.run called from a sync function.
import asyncio


async def hello_world():
    print("Hello")
    await asyncio.sleep(1)
    print("World")


async def task1():
    return "Task 1"


async def task2():
    result = await task1()
    return f"Task 2 got: {result}"


async def async_task():
    await asyncio.sleep(1)
    return "Async result"


def sync_function():
    result = asyncio.run(async_task())
    return result


asyncio.run(hello_world())
print(asyncio.run(task2()))
print(sync_function())
