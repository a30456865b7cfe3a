# status: completed
# The guide's Method 3: a loop made by hand with new_event_loop(),
# run_until_complete, then closed. (The guide's asyncio.get_event_loop()
# outside a running loop is deprecated; this is the equivalent.) It prints
# loop.time(): 0.5 on the virtual clock, which starts at 0.
import asyncio


async def main():
    await asyncio.sleep(0.5)
    return "Result"


loop = asyncio.new_event_loop()
try:
    result = loop.run_until_complete(main())
    print(result, loop.time())
finally:
    loop.close()
print("closed:", loop.is_closed())
