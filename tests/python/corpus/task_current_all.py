# status: completed
# current_task() and all_tasks(): the main task is Task-1; all_tasks()
# holds the pending tasks only (sorted by name here: it is a set); a task
# sees itself as current; outside a task (a loop callback) there is none.
import asyncio


async def child(n):
    me = asyncio.current_task()
    print(f"child {n}: I am {me.get_name()}")
    await asyncio.sleep(0.1 * n)


def callback():
    print("in a callback, current_task:", asyncio.current_task())


async def main():
    main_task = asyncio.current_task()
    print("main is", main_task.get_name())
    tasks = [asyncio.create_task(child(n)) for n in range(1, 4)]
    print(sorted(t.get_name() for t in asyncio.all_tasks()))
    await asyncio.sleep(0.15)
    print(sorted(t.get_name() for t in asyncio.all_tasks()))
    print(main_task in asyncio.all_tasks(), tasks[0] in asyncio.all_tasks())
    asyncio.get_running_loop().call_soon(callback)
    await asyncio.gather(*tasks)
    print(sorted(t.get_name() for t in asyncio.all_tasks()))
    print(asyncio.current_task() is main_task)


asyncio.run(main())
