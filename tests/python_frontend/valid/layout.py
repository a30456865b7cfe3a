# Comments, blank lines, continuation lines and one-line blocks.

x = 1  # trailing comment
   # indented comment line

if x:  # comment after colon
    # comment before statement

    y = 2
        # over-indented comment
    z = 3
  # under-indented comment
    w = 4
total = 1 + \
        2 + \
    3
if x and \
   y:
    pass
def f(a,
      b,
          c):
    return (a +
  b +
      c)
values = [
    1,  # one
    2,  # two
    # nothing
]
call(
    a,
    b
)
s = """a
    b""" + 'c'
v = 1if x else 2
for i in[1, 2]:print(i)
if x:pass
elif y:pass
else:pass
while x:x -= 1
class C:pass
with a:pass
try:pass
except:pass
x = [1,
2,
3]
@dec
# comment between decorator and def
def g(): pass
if x:
    pass
    # trailing comment in block
# dedented comment
y = 1
