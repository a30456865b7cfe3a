# status: completed
# Lecture 21, slides 7 and 8 (configs/lectures/async_with_for.yaml, claim
# S7): async with awaits open and close, close runs on error too; async for
# awaits each row (5 ms apart) and a ticker runs between rows.
import asyncio


class AsyncDatabaseConnection:
    def __init__(self, url):
        self.url = url

    async def __aenter__(self):
        print(f"opening {self.url}")
        await asyncio.sleep(0.010)
        print("connected")
        return self

    async def __aexit__(self, exc_type, exc_val, exc_tb):
        print("closing")
        await asyncio.sleep(0.002)
        print("closed")

    async def fetch_rows(self, count):
        for i in range(count):
            await asyncio.sleep(0.005)
            yield {"id": i, "value": i * 10}


async def ticker():
    for i in range(5):
        await asyncio.sleep(0.004)
        print(f"tick {i}")


async def query(rows, fail):
    async with AsyncDatabaseConnection("db://prod") as conn:
        async for row in conn.fetch_rows(rows):
            print(f"Row: {row}")
        if fail:
            raise ValueError("bad row")


async def main():
    t = asyncio.create_task(ticker())
    await query(3, False)
    await t
    try:
        await query(1, True)
    except ValueError as e:
        print(f"caught {e} after the connection was closed")


asyncio.run(main())
