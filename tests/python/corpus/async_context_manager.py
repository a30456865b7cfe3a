# status: completed
# async with: __aenter__ and __aexit__ are awaited, __aexit__ sees the
# exception and can suppress it; another task runs while they await.
import asyncio


class Connection:
    def __init__(self, name, suppress=False):
        self.name = name
        self.suppress = suppress

    async def __aenter__(self):
        print("opening", self.name)
        await asyncio.sleep(0.1)
        print("opened", self.name)
        return self

    async def __aexit__(self, exc_type, exc, tb):
        print("closing", self.name, "after", exc_type.__name__ if exc_type else "success")
        await asyncio.sleep(0.05)
        print("closed", self.name)
        return self.suppress


async def ticker():
    for i in range(4):
        await asyncio.sleep(0.04)
        print("tick", i)


async def main():
    t = asyncio.create_task(ticker())
    async with Connection("db") as conn:
        print("using", conn.name)
    try:
        async with Connection("cache"):
            raise ValueError("bad query")
    except ValueError as e:
        print("propagated:", e)
    async with Connection("log", suppress=True):
        raise KeyError("ignored")
    print("suppressed")
    await t


asyncio.run(main())
