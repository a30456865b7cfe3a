# status: completed
# global and nonlocal, closures that keep state, and a coroutine that
# updates a global between awaits.
import asyncio

counter = 0


def bump():
    global counter
    counter += 1
    return counter


def make_accumulator():
    total = 0

    def add(n):
        nonlocal total
        total += n
        return total

    return add


async def worker(n):
    global counter
    for _ in range(n):
        counter += 1
        await asyncio.sleep(0.01)


async def main():
    await asyncio.gather(worker(3), worker(4))
    return counter


bump()
bump()
print("counter", counter)
acc = make_accumulator()
acc(5)
acc(10)
print("accumulated", acc(1))
other = make_accumulator()
print("independent", other(2))
print("after workers", asyncio.run(main()))
