import asyncio

async def spawn():
    while True:
        asyncio.create_task(spawn())
        await asyncio.sleep(0)

asyncio.run(spawn())
