# status: completed
# The guide's AsyncDatabaseConnection: connect 1 s, query 0.1 s, close 0.5 s.
import asyncio


class AsyncDatabaseConnection:
    async def __aenter__(self):
        print("Connecting to database...")
        await asyncio.sleep(1)  # Simulate connection time
        print("Connected!")
        return self

    async def __aexit__(self, exc_type, exc_val, exc_tb):
        print("Closing connection...")
        await asyncio.sleep(0.5)  # Simulate cleanup
        print("Connection closed")

    async def query(self, sql):
        await asyncio.sleep(0.1)
        return f"Results for: {sql}"


async def main():
    async with AsyncDatabaseConnection() as db:
        result = await db.query("SELECT * FROM users")
        print(result)


asyncio.run(main())
