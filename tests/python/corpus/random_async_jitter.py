# status: completed
# Seeded randomness in an asyncio program: workers sleep random durations
# (uniform jitter, exponential service times) and retry a flaky call with a
# random backoff; the order of events follows the draws, exactly as CPython
# draws them.
import asyncio
import random

random.seed(99)


async def flaky(name):
    for attempt in range(1, 5):
        await asyncio.sleep(round(random.uniform(0.01, 0.05), 3))
        if random.random() < 0.5:
            print(f"{name} attempt {attempt} failed")
            continue
        print(f"{name} succeeded on attempt {attempt}")
        return attempt
    return None


async def worker(n):
    service = round(random.expovariate(10.0), 3)
    await asyncio.sleep(service)
    print(f"worker {n} served in {service}")
    return service


async def main():
    loop = asyncio.get_running_loop()
    attempts = await asyncio.gather(*(flaky(f"call{i}") for i in range(3)))
    services = await asyncio.gather(*(worker(n) for n in range(5)))
    print(attempts, services)
    print(f"end at {loop.time():.3f}")


asyncio.run(main())
