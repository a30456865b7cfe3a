# status: completed
# Barrier.abort(): waiting tasks get BrokenBarrierError and later waits
# fail at once; reset() makes it usable again; a cancelled waiter leaves
# the count.
import asyncio


async def waiter(barrier, name):
    try:
        await barrier.wait()
        print(f"{name} passed")
    except asyncio.BrokenBarrierError:
        print(f"{name}: BrokenBarrierError, broken={barrier.broken}")


async def main():
    barrier = asyncio.Barrier(3)
    ts = [asyncio.create_task(waiter(barrier, n)) for n in ("x", "y")]
    await asyncio.sleep(0.1)
    print("waiting:", barrier.n_waiting)
    await barrier.abort()
    await asyncio.gather(*ts)
    await waiter(barrier, "late")
    await barrier.reset()
    print("after reset:", barrier.broken, barrier.n_waiting)
    t = asyncio.create_task(barrier.wait())
    await asyncio.sleep(0.1)
    t.cancel()
    await asyncio.sleep(0)
    print("after a cancelled waiter:", barrier.n_waiting, t.cancelled())
    two = asyncio.Barrier(2)
    print(await asyncio.gather(two.wait(), two.wait()))
    try:
        asyncio.Barrier(0)
    except ValueError as e:
        print("ValueError:", e)


asyncio.run(main())
