# status: completed
# The documented worker-pool pattern: workers loop on queue.get(), the
# producer waits for queue.join(), then cancels the workers, which are
# blocked in get(); gather(return_exceptions=True) collects them.
import asyncio
import random


async def worker(name, queue, log):
    while True:
        d = await queue.get()
        await asyncio.sleep(d)
        log.append((name, d))
        queue.task_done()


async def main():
    loop = asyncio.get_running_loop()
    random.seed(3)
    queue = asyncio.Queue()
    for _ in range(10):
        queue.put_nowait(round(random.uniform(0.05, 0.5), 2))
    log = []
    workers = [asyncio.create_task(worker(f"w{i}", queue, log)) for i in range(3)]
    await queue.join()
    print(f"joined at {loop.time():.2f}")
    for w in workers:
        w.cancel()
    results = await asyncio.gather(*workers, return_exceptions=True)
    print([type(r).__name__ for r in results])
    print(log)
    print(f"total {sum(d for _, d in log):.2f}")


asyncio.run(main())
