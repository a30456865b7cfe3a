# status: completed
# The guide's basic syntax: calling a coroutine function returns a
# coroutine object; await runs it; asyncio.run returns its value.
import asyncio


def regular_function():
    return "Hello"


async def async_function():
    return "Hello"


async def fetch_data():
    print("Starting fetch...")
    await asyncio.sleep(2)  # Pause here for 2 seconds
    print("Fetch complete!")
    return "Data"


async def main():
    print("Before await")
    result = await fetch_data()
    print(f"After await: {result}")


result1 = regular_function()
coro = async_function()
print(result1, type(coro).__name__)
print(asyncio.run(coro))
asyncio.run(main())
