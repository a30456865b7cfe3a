# status: completed
# The guide's "Running sync code in async context": a 2 s blocking function
# on the default executor (the guide's get_event_loop() inside a coroutine
# returns the running loop).
import asyncio
from concurrent.futures import ThreadPoolExecutor


def blocking_io():
    """Synchronous blocking function."""
    import time
    time.sleep(2)
    return "Blocking result"


async def main():
    loop = asyncio.get_event_loop()
    result = await loop.run_in_executor(
        None,  # Use default executor
        blocking_io
    )
    print(result)


asyncio.run(main())
