# status: completed
# print with sep and end, several arguments, to stderr, and partial lines
# completed by later writes; the last line has no newline.
import sys

print("a", "b", "c")
print("a", "b", "c", sep="-")
print("no newline", end="")
print(" ... completed")
print(1, 2.5, None, True, [1], sep=" | ", end=" <end>\n")
print("to stderr", file=sys.stderr)
print()
print("multi\nline\noutput")
sys.stdout.write("written directly\n")
print("x", end="")
print("y", end="")
print("z", end="", flush=True)
