# status: completed
# wait_for with timeout=None waits as long as it takes; timeout=0 returns a
# finished future's result, and cancels a pending one at once
# (TimeoutError); a negative timeout behaves as 0.
import asyncio


async def value_after(v, d):
    await asyncio.sleep(d)
    return v


async def main():
    loop = asyncio.get_running_loop()
    print(await asyncio.wait_for(value_after("patient", 2.0), timeout=None), f"{loop.time():.2f}")
    done = loop.create_future()
    done.set_result("ready")
    print(await asyncio.wait_for(done, timeout=0))
    t = asyncio.create_task(value_after("never", 1))
    try:
        await asyncio.wait_for(t, timeout=0)
    except TimeoutError as e:
        print(f"TimeoutError {e!r} at {loop.time():.2f}, task cancelled: {t.cancelled()}")
    try:
        await asyncio.wait_for(value_after("neg", 1), timeout=-1)
    except TimeoutError:
        print("negative timeout: TimeoutError")
    t2 = asyncio.create_task(value_after("quick", 0))
    await asyncio.sleep(0.01)
    print(await asyncio.wait_for(t2, 0), f"{loop.time():.2f}")


asyncio.run(main())
