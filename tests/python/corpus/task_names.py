# status: completed
# Task names: Task-N numbering (the main task is Task-1), explicit names,
# set_name, and what each task prints under its own name.
import asyncio


async def job(label):
    print("running", label, asyncio.current_task().get_name())
    await asyncio.sleep(0.1)


async def main():
    print("main is", asyncio.current_task().get_name())
    a = asyncio.create_task(job("a"))
    b = asyncio.create_task(job("b"), name="worker-b")
    c = asyncio.create_task(job("c"))
    c.set_name("worker-c")
    await asyncio.gather(a, b, c)
    await asyncio.gather(job("d"), job("e"))
    print([t.get_name() for t in (a, b, c)])


asyncio.run(main())
