# status: completed
# The guide's Pattern 3: wait(FIRST_COMPLETED), then cancel the rest
# (cancelled in set order, which is invisible here: they print nothing).
# The guide's loop variable `task` is renamed `t`: as written, it shadows the
# coroutine function task() (see tutorial_wait_first_as_written.py).
import asyncio


async def task(n):
    await asyncio.sleep(n)
    return n


async def main():
    tasks = [asyncio.create_task(task(i)) for i in [1, 2, 3]]
    done, pending = await asyncio.wait(
        tasks,
        return_when=asyncio.FIRST_COMPLETED
    )
    print(f"First completed: {done.pop().result()}")
    for t in pending:
        t.cancel()


asyncio.run(main())
