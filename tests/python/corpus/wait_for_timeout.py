# status: completed
# asyncio.wait_for: a result within the timeout; on timeout the inner
# coroutine is cancelled (its finally runs) and TimeoutError is raised.
import asyncio


async def op(d, label):
    try:
        await asyncio.sleep(d)
        return f"{label} done"
    except asyncio.CancelledError:
        print(label, "cancelled by wait_for")
        raise
    finally:
        print(label, "finally")


async def main():
    print(await asyncio.wait_for(op(0.1, "fast"), timeout=1))
    try:
        await asyncio.wait_for(op(5, "slow"), timeout=0.5)
    except asyncio.TimeoutError as e:
        print("timed out:", type(e).__name__, e.__class__ is TimeoutError)
    t = asyncio.create_task(op(0.3, "task"))
    try:
        await asyncio.wait_for(t, timeout=0.2)
    except TimeoutError:
        print("task cancelled:", t.cancelled())


asyncio.run(main())
