# status: completed
# asyncio.wait(return_when=FIRST_COMPLETED) returns when one task is done;
# FIRST_COMPLETED again on the rest; then the last ones are cancelled.
import asyncio


async def job(n):
    await asyncio.sleep(n)
    return n


async def main():
    pending = [asyncio.create_task(job(n), name=f"job{n}") for n in (3, 1, 2, 4)]
    done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
    print("first:", [t.result() for t in done], "pending:", sorted(t.get_name() for t in pending))
    done, pending = await asyncio.wait(pending, return_when=asyncio.FIRST_COMPLETED)
    print("second:", [t.result() for t in done])
    for t in sorted(pending, key=lambda t: t.get_name()):
        t.cancel()
    done, pending = await asyncio.wait(pending)
    print("cancelled:", sorted(t.get_name() for t in done if t.cancelled()), len(pending))


asyncio.run(main())
