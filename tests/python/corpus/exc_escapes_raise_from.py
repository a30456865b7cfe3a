# status: failed
# A user exception raised from another escapes from a task awaited by main.
import asyncio


class ServiceError(Exception):
    pass


async def call_service():
    await asyncio.sleep(0.2)
    try:
        {}["token"]
    except KeyError as e:
        raise ServiceError("service unavailable") from e


async def main():
    task = asyncio.create_task(call_service())
    print("waiting for the service")
    await task


asyncio.run(main())
