# status: failed
# The main task awaits a task that was cancelled: CancelledError escapes
# asyncio.run.
import asyncio


async def victim():
    await asyncio.sleep(1)


async def main():
    t = asyncio.create_task(victim())
    await asyncio.sleep(0.1)
    t.cancel()
    await t


asyncio.run(main())
