# status: completed
# asyncio.wait with the default ALL_COMPLETED, with a failing task among
# them: wait does not raise, the exception stays in the task.
import asyncio


async def job(n):
    await asyncio.sleep(n / 10)
    if n == 2:
        raise ValueError("job 2 failed")
    return n


async def main():
    tasks = [asyncio.create_task(job(n), name=f"job{n}") for n in (1, 2, 3)]
    done, pending = await asyncio.wait(tasks)
    print(len(done), len(pending))
    for t in sorted(done, key=lambda t: t.get_name()):
        print(t.get_name(), repr(t.exception()) if t.exception() else t.result())


asyncio.run(main())
