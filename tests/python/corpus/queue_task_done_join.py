# status: completed
# Queue with task_done/join: three workers drain ten jobs; join returns
# when every job is done; the workers are then cancelled one by one.
# Workers finish jobs at the same instants (0.2 s, 0.3 s, ...): on a real
# clock the order of those log entries is chance, on the virtual clock the
# tie rule's (deadlines computed in floats, then creation order).
import asyncio


async def worker(name, q, log):
    while True:
        job = await q.get()
        await asyncio.sleep(job / 10)
        log.append((name, job))
        q.task_done()


async def main():
    q = asyncio.Queue()
    for job in [3, 1, 2, 5, 1, 1, 4, 2, 2, 1]:
        q.put_nowait(job)
    log = []
    workers = [asyncio.create_task(worker(f"w{i}", q, log)) for i in range(3)]
    await q.join()
    print("all done", len(log))
    for name, job in log:
        print(name, job)
    for w in workers:
        w.cancel()
    results = await asyncio.gather(*workers, return_exceptions=True)
    print([type(r).__name__ for r in results])
    try:
        q.task_done()
    except ValueError as e:
        print("ValueError:", e)


asyncio.run(main())
