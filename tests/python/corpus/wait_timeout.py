# status: completed
# asyncio.wait with a timeout returns (done, pending) sets when the time is
# up; set order is CPython's chance, so they are sorted by task name.
import asyncio


async def job(d):
    await asyncio.sleep(d)
    return d


async def main():
    tasks = [asyncio.create_task(job(d), name=f"job{d}") for d in (0.3, 0.1, 0.5, 0.2)]
    done, pending = await asyncio.wait(tasks, timeout=0.25)
    print("done", sorted(t.get_name() for t in done))
    print("pending", sorted(t.get_name() for t in pending))
    print("results", sorted(t.result() for t in done))
    done, pending = await asyncio.wait(pending, timeout=10)
    print("second wait:", len(done), len(pending))


asyncio.run(main())
