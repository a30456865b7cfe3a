# status: completed
# The guide's retry logic. The guide draws random.random() < 0.7 to fail;
# here the outcomes are a fixed script (fail, fail, succeed) so the run is
# deterministic without a seed.
import asyncio

outcomes = iter([False, False, True])


async def unstable_operation():
    if not next(outcomes):
        raise Exception("Failed!")
    return "Success"


async def retry_operation(max_attempts=3):
    for attempt in range(max_attempts):
        try:
            return await unstable_operation()
        except Exception as e:
            if attempt == max_attempts - 1:
                raise
            print(f"Attempt {attempt + 1} failed, retrying...")
            await asyncio.sleep(1)


print(asyncio.run(retry_operation()))
