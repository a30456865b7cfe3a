# status: completed
# A task whose exception nobody retrieves: asyncio logs "Task exception was
# never retrieved" when the task object is destroyed, here at `del t` (the
# last reference; refcounting makes the moment exact), in the task running it.
import asyncio


async def bad():
    raise ValueError("nobody looks at me")


async def main():
    t = asyncio.create_task(bad())
    await asyncio.sleep(0.1)
    print("task done:", t.done())
    del t
    print("after del")
    await asyncio.sleep(0.1)


asyncio.run(main())
