# status: completed
# A fire-and-forget task that fails, with no reference kept: the loop
# drops its last reference right after running its final step, and
# "Task exception was never retrieved" is logged there, outside any task.
import asyncio


async def doomed():
    await asyncio.sleep(0.1)
    raise RuntimeError("nobody awaits me")


async def main():
    asyncio.create_task(doomed())
    await asyncio.sleep(0.5)
    print("main ends")


asyncio.run(main())
