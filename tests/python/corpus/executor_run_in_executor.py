# status: completed
# loop.run_in_executor(None, f, *args): a blocking function on the default
# executor's worker threads (named asyncio_N); the loop keeps running. The
# ticker's period (0.45 s) keeps its ticks off the instants the calls end
# (1 s, 2 s): on a real clock a tie between a thread and a timer is chance.
import asyncio
import time


def blocking(n):
    print("blocking", n, "starts")
    time.sleep(n)
    print("blocking", n, "ends")
    return n * 10


async def ticker():
    for i in range(4):
        await asyncio.sleep(0.45)
        print("tick", i)


async def main():
    loop = asyncio.get_running_loop()
    t = asyncio.create_task(ticker())
    results = await asyncio.gather(loop.run_in_executor(None, blocking, 1),
                                   loop.run_in_executor(None, blocking, 2))
    print(results)
    await t
    return results


asyncio.run(main())
