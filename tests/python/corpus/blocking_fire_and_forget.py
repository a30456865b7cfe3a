# status: completed
# A task nobody keeps a reference to blocks the loop (time.sleep): it stays
# alive while it runs (CPython's Task.__step holds it), the loop is frozen
# meanwhile, and the main task's timer, due during the freeze, fires late.
import asyncio
import time


async def blocker():
    print("blocker starts")
    time.sleep(0.2)
    print("blocker woke")
    await asyncio.sleep(0.1)
    print("blocker done")


async def main():
    asyncio.create_task(blocker())
    await asyncio.sleep(0.1)
    print(f"main woke at {asyncio.get_running_loop().time():.2f}")
    await asyncio.sleep(0.3)
    print("main done")


asyncio.run(main())
