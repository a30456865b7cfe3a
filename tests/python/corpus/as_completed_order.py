# status: completed
# as_completed yields in completion order. The tasks are created in order
# first: as_completed wraps bare coroutines in tasks in the order of a set
# (memory addresses), which would make task names a matter of chance.
import asyncio


async def fetch(url, d):
    await asyncio.sleep(d)
    print("fetched", url)
    return f"data from {url}"


async def main():
    tasks = [asyncio.create_task(fetch(u, d)) for u, d in (("u1", 0.3), ("u2", 0.1), ("u3", 0.2))]
    order = []
    for fut in asyncio.as_completed(tasks):
        r = await fut
        print("got", r)
        order.append(r[-2:])
    try:
        for fut in asyncio.as_completed([asyncio.create_task(fetch("slow", 5))], timeout=1):
            await fut
    except asyncio.TimeoutError:
        print("as_completed timed out")
    return order


print(asyncio.run(main()))
