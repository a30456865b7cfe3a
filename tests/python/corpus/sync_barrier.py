# status: completed
# asyncio.Barrier (3.11): parties tasks wait until the last arrives; wait()
# returns each one's arrival index; n_waiting, parties, broken; the barrier
# is reusable for a second round; `async with barrier` too.
import asyncio


async def worker(barrier, name, delay):
    await asyncio.sleep(delay)
    print(f"{name} arrives, waiting={barrier.n_waiting}")
    idx = await barrier.wait()
    print(f"{name} passes with index {idx} at {asyncio.get_running_loop().time():.2f}")
    await asyncio.sleep(delay)
    async with barrier as idx2:
        print(f"{name} second round index {idx2}")


async def main():
    barrier = asyncio.Barrier(3)
    print(barrier.parties, barrier.n_waiting, barrier.broken)
    await asyncio.gather(worker(barrier, "a", 0.3), worker(barrier, "b", 0.1), worker(barrier, "c", 0.2))
    print("after:", barrier.n_waiting, barrier.broken)


asyncio.run(main())
