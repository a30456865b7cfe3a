# status: completed
# Nested timeouts: the inner one expires first and is caught inside the
# outer; then the outer one expires while an inner, longer one is active:
# only the outer reports expired().
import asyncio


async def main():
    loop = asyncio.get_running_loop()
    try:
        async with asyncio.timeout(1.0) as outer:
            try:
                async with asyncio.timeout(0.2) as inner:
                    await asyncio.sleep(5)
            except TimeoutError:
                print(f"inner expired at {loop.time():.2f}: {inner.expired()} {outer.expired()}")
            async with asyncio.timeout(3.0) as inner2:
                await asyncio.sleep(5)
    except TimeoutError:
        print(f"outer expired at {loop.time():.2f}: {outer.expired()}, inner2 {inner2.expired()}")
    print("cancelling:", asyncio.current_task().cancelling())


asyncio.run(main())
