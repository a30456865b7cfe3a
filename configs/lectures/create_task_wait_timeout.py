# status: completed
# Lecture 21, slides 5 and 6 (configs/lectures/create_task_wait_timeout.yaml,
# claim S6): wait(timeout=1.2) returns done {B, C}, pending {A}; A is
# cancelled, cleans up at its await and re-raises; gather drains it.
import asyncio


async def long_running_job(job_id, seconds):
    try:
        print(f"Job {job_id} started")
        await asyncio.sleep(seconds)
        print(f"Job {job_id} finished")
        return f"Job {job_id} done"
    except asyncio.CancelledError:
        print(f"Job {job_id} was cancelled")
        raise  # always re-raise


async def main():
    task_a = asyncio.create_task(long_running_job("A", 2.0), name="A")
    task_b = asyncio.create_task(long_running_job("B", 0.5), name="B")
    task_c = asyncio.create_task(long_running_job("C", 1.0), name="C")
    done, pending = await asyncio.wait([task_a, task_b, task_c], timeout=1.2)
    # Sets: sorted by name, their order is CPython's chance.
    print(f"done {sorted(t.get_name() for t in done)}, pending {sorted(t.get_name() for t in pending)}")
    for task in pending:
        task.cancel()
    drained = await asyncio.gather(*pending, return_exceptions=True)
    print(f"drained {[type(r).__name__ for r in drained]}")


asyncio.run(main())
