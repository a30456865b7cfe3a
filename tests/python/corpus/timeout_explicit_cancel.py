# status: completed
# A task inside an asyncio.timeout block is cancelled by another task
# before the deadline: the CancelledError is not turned into TimeoutError,
# and the timeout does not report expired().
import asyncio


async def worker(holder):
    try:
        async with asyncio.timeout(5) as cm:
            holder.append(cm)
            await asyncio.sleep(10)
    except TimeoutError:
        print("not a timeout")
    except asyncio.CancelledError as e:
        print(f"worker cancelled: {e.args}, expired {holder[0].expired()}")
        raise


async def main():
    holder = []
    t = asyncio.create_task(worker(holder))
    await asyncio.sleep(0.5)
    t.cancel("stop now")
    try:
        await t
    except asyncio.CancelledError as e:
        print("main saw:", repr(e))
    print(t.cancelled())


asyncio.run(main())
