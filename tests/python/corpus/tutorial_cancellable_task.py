# status: completed
# The guide's "Handle cancellation gracefully": a task working every second
# is cancelled after 3.5 s, cleans up and re-raises.
import asyncio


async def cancellable_task():
    try:
        while True:
            await asyncio.sleep(1)
            print("Working...")
    except asyncio.CancelledError:
        print("Task cancelled, cleaning up...")
        raise  # Re-raise to propagate cancellation


async def main():
    task = asyncio.create_task(cancellable_task())
    await asyncio.sleep(3.5)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("main: task is cancelled:", task.cancelled())


asyncio.run(main())
