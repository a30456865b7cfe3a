# status: completed
# asyncio.wait(return_when=FIRST_EXCEPTION): returns when a task raises;
# when none raises it waits for all. The done and pending sets are sorted
# by name (set order is addresses in CPython).
import asyncio


async def job(name, delay, fail=False):
    await asyncio.sleep(delay)
    if fail:
        raise RuntimeError(f"{name} failed")
    return name


def names(tasks):
    return sorted(t.get_name() for t in tasks)


async def main():
    loop = asyncio.get_running_loop()
    tasks = [asyncio.create_task(job(n, d, f), name=n)
             for n, d, f in [("a", 0.1, False), ("b", 0.2, True), ("c", 0.5, False)]]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    print(f"at {loop.time():.2f} done={names(done)} pending={names(pending)}")
    for t in sorted(done, key=lambda t: t.get_name()):
        print(t.get_name(), repr(t.exception()))
    for t in pending:
        t.cancel()
    tasks = [asyncio.create_task(job(n, d), name=n) for n, d in [("x", 0.1), ("y", 0.3)]]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
    print(f"at {loop.time():.2f} done={names(done)} pending={names(pending)}")
    done, pending = await asyncio.wait([asyncio.create_task(job("z", 1), name="z")], timeout=0.2,
                                       return_when=asyncio.FIRST_EXCEPTION)
    print(f"at {loop.time():.2f} done={names(done)} pending={names(pending)}")
    try:
        await asyncio.wait([], return_when=asyncio.FIRST_EXCEPTION)
    except ValueError as e:
        print("ValueError:", e)
    try:
        await asyncio.wait(tasks, return_when="SOMETIMES")
    except ValueError as e:
        print("ValueError:", e)


asyncio.run(main())
