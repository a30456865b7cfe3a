# status: completed
# asyncio.Lock: mutual exclusion across awaits, FIFO hand-over, locked(),
# and releasing an unlocked lock.
import asyncio

balance = 100


async def withdraw(lock, name, amount):
    global balance
    async with lock:
        print(name, "reads", balance)
        current = balance
        await asyncio.sleep(0.1)
        balance = current - amount
        print(name, "writes", balance)


async def main():
    lock = asyncio.Lock()
    await asyncio.gather(*(withdraw(lock, f"w{i}", 10 * i) for i in range(1, 4)))
    print("balance", balance, "locked", lock.locked())
    try:
        lock.release()
    except RuntimeError as e:
        print("RuntimeError:", e)


asyncio.run(main())
