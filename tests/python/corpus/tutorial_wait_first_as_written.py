# status: failed
# The guide's Pattern 3 exactly as written: it fails in CPython. `for task in
# pending` makes `task` a local variable of main, so the list comprehension
# above it, which calls task(i), reads that local before it is assigned:
# NameError "cannot access free variable 'task' ...". (tutorial_wait_first.py
# is the working version.)
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
    for task in pending:
        task.cancel()


asyncio.run(main())
