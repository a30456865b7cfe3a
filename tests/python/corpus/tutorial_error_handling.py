# status: completed
# The guide's error handling: try/except around an awaited failure, and
# gather(return_exceptions=True) reporting each task.
import asyncio


async def risky_operation():
    await asyncio.sleep(1)
    raise ValueError("Something went wrong!")


async def task(n):
    if n == 2:
        raise ValueError(f"Task {n} failed!")
    await asyncio.sleep(1)
    return n


async def main():
    try:
        await risky_operation()
    except ValueError as e:
        print(f"Caught error: {e}")
    results = await asyncio.gather(
        task(1),
        task(2),
        task(3),
        return_exceptions=True
    )
    for i, result in enumerate(results):
        if isinstance(result, Exception):
            print(f"Task {i} failed: {result}")
        else:
            print(f"Task {i} succeeded: {result}")


asyncio.run(main())
