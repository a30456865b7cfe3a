# status: completed
# Condition.wait_for(predicate): the waiter re-checks its predicate each
# time it is notified and returns the predicate's value; a Condition made
# over an existing Lock shares it; a cancelled waiter re-acquires the lock
# before the CancelledError leaves wait().
import asyncio


async def wait_level(cond, state, level):
    async with cond:
        got = await cond.wait_for(lambda: state["level"] >= level and state["level"])
        print(f"level {level} reached: {got} at {asyncio.get_running_loop().time():.2f}")


async def raise_level(cond, state):
    for _ in range(4):
        await asyncio.sleep(0.1)
        async with cond:
            state["level"] += 1
            print("level now", state["level"])
            cond.notify_all()


async def cancelled_waiter(cond):
    async with cond:
        try:
            await cond.wait()
        except asyncio.CancelledError:
            print("cancelled waiter holds the lock again:", cond.locked())
            raise


async def main():
    lock = asyncio.Lock()
    cond = asyncio.Condition(lock)
    state = {"level": 0}
    await asyncio.gather(wait_level(cond, state, 2), wait_level(cond, state, 4), raise_level(cond, state))
    t = asyncio.create_task(cancelled_waiter(cond))
    await asyncio.sleep(0.1)
    t.cancel()
    await asyncio.gather(t, return_exceptions=True)
    print("lock free after:", not lock.locked(), t.cancelled())


asyncio.run(main())
