# status: completed
# The guide's Pattern 1: gather three user fetches.
import asyncio


async def fetch_user(user_id):
    await asyncio.sleep(1)
    return f"User {user_id}"


async def main():
    results = await asyncio.gather(
        fetch_user(1),
        fetch_user(2),
        fetch_user(3)
    )
    print(results)  # ['User 1', 'User 2', 'User 3']


asyncio.run(main())
