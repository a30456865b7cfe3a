# status: completed
# The future gather() returns can be cancelled: it cancels every child
# that has not finished; awaiting it raises CancelledError; children that
# finished keep their results.
import asyncio


async def child(n, d):
    try:
        await asyncio.sleep(d)
        print(f"child {n} done")
        return n
    except asyncio.CancelledError:
        print(f"child {n} cancelled")
        raise


async def main():
    kids = [asyncio.create_task(child(n, d)) for n, d in [(1, 0.1), (2, 1.0), (3, 2.0)]]
    g = asyncio.gather(*kids)
    await asyncio.sleep(0.5)
    print("cancel the gather:", g.cancel())
    try:
        await g
    except asyncio.CancelledError as e:
        print("awaiting the gather:", repr(e))
    print([k.cancelled() for k in kids], kids[0].result(), g.cancelled())
    g2 = asyncio.gather(child(4, 0.1), return_exceptions=True)
    await asyncio.sleep(0.2)
    print("cancel a finished gather:", g2.cancel(), await g2)


asyncio.run(main())
