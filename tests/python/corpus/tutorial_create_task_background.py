# status: completed
# The guide's Pattern 2: background tasks with create_task while main works.
import asyncio


async def background_task(name):
    await asyncio.sleep(2)
    print(f"{name} completed")


async def main():
    task1 = asyncio.create_task(background_task("Task 1"))
    task2 = asyncio.create_task(background_task("Task 2"))
    print("Tasks started, doing other work...")
    await asyncio.sleep(1)
    print("Still doing work...")
    await task1
    await task2


asyncio.run(main())
