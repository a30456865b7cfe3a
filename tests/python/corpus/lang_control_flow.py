# status: completed
# if/elif/else, while with break/continue and else, for over lists, tuples,
# dicts, strings and range.
def classify(n):
    if n < 0:
        return "negative"
    elif n == 0:
        return "zero"
    elif n % 2 == 0:
        return "even"
    else:
        return "odd"


for n in [-3, 0, 4, 7]:
    print(n, classify(n))

for pair in (("a", 1), ("b", 2)):
    print("pair", pair)

ages = {"ann": 31, "bob": 27, "cy": 45}
for name in ages:
    print(name, ages[name])
for name, age in ages.items():
    if age > 40:
        print(name, "is over 40")

for ch in "abc":
    print("char", ch)

for i in range(10, 0, -3):
    print("down", i)

i = 0
while True:
    i += 1
    if i % 2:
        continue
    if i > 6:
        break
    print("even", i)

count = 0
while count < 3:
    count += 1
else:
    print("while ended normally at", count)

for x in range(5):
    if x == 10:
        break
else:
    print("for ended without break")

for x in range(5):
    if x == 2:
        print("breaking at", x)
        break
else:
    print("not printed")
