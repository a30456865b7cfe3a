# status: completed
# Waiting for an Event with a timeout (wait_for and asyncio.timeout); one
# set() wakes every waiter, in the order they started waiting. wait_for
# with timeout=0 wraps a coroutine in a task that has not run yet, so it
# cancels it and raises TimeoutError.
import asyncio


async def waiter(ev, name):
    await ev.wait()
    print(f"{name} saw the event at {asyncio.get_running_loop().time():.2f}")


async def main():
    ev = asyncio.Event()
    try:
        await asyncio.wait_for(ev.wait(), timeout=0.3)
    except TimeoutError:
        print("wait_for timed out, event set?", ev.is_set())
    try:
        async with asyncio.timeout(0.2):
            await ev.wait()
    except TimeoutError:
        print("timeout block expired")
    ts = [asyncio.create_task(waiter(ev, f"w{i}")) for i in range(3)]
    asyncio.get_running_loop().call_later(0.4, ev.set)
    await asyncio.gather(*ts)
    try:
        await asyncio.wait_for(ev.wait(), timeout=0)
    except TimeoutError:
        print("timeout=0 on a coroutine: TimeoutError even though the event is set")
    print(await asyncio.wait_for(ev.wait(), timeout=1))


asyncio.run(main())
