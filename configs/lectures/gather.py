# status: completed
# Lecture 21, slide 4 (configs/lectures/gather.yaml, claim S5): gather over
# fetches of 1.0, 0.5 and 0.8 s ends at 1.0 s, not 2.3 s; they finish B, C,
# A and the results come back in argument order.
import asyncio


async def fetch_data(source_id, delay):
    print(f"Starting fetch {source_id}")
    await asyncio.sleep(delay)
    print(f"Finished fetch {source_id}")
    return f"Data from source {source_id}"


async def main():
    results = await asyncio.gather(
        fetch_data("A", 1.0),
        fetch_data("B", 0.5),
        fetch_data("C", 0.8),
    )
    print(f"results: {results}")
    return results


asyncio.run(main())
