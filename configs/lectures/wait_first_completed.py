# status: completed
# The guide's asyncio.wait (configs/lectures/wait_first_completed.yaml,
# claim S15): FIRST_COMPLETED over 1, 2 and 3 s tasks returns at 1 s; the
# two pending ones are cancelled and drained.
import asyncio


async def task(n):
    await asyncio.sleep(n)
    return n


async def main():
    tasks = [asyncio.create_task(task(n), name=f"t{n}") for n in (1, 2, 3)]
    done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    print(f"first completed: done {sorted(t.get_name() for t in done)}, "
          f"pending {sorted(t.get_name() for t in pending)}")
    for t in pending:
        t.cancel()
    await asyncio.gather(*pending, return_exceptions=True)


asyncio.run(main())
