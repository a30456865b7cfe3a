# status: completed
# asyncio.TaskGroup (3.11): tasks created in the group run concurrently; the
# `async with` ends when the last one ends (at 0.3 s), and their results are
# read afterwards. Tasks named by name= keep their names; the others are
# numbered Task-N as create_task numbers them.
import asyncio


async def work(label, delay):
    print(f"{label} starts")
    await asyncio.sleep(delay)
    print(f"{label} ends")
    return label.upper()


async def main():
    loop = asyncio.get_running_loop()
    async with asyncio.TaskGroup() as tg:
        a = tg.create_task(work("a", 0.3))
        b = tg.create_task(work("b", 0.1), name="bee")
        c = tg.create_task(work("c", 0.2))
        print("created", a.get_name(), b.get_name(), c.get_name())
    print(f"group done at {loop.time():.2f}")
    print(a.result(), b.result(), c.result())
    return [t.result() for t in (a, b, c)]


asyncio.run(main())
