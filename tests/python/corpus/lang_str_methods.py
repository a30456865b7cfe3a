# status: completed
# The common str methods.
s = "  Hello, Async World  "
print(repr(s.strip()), repr(s.lstrip()), repr(s.rstrip()))
t = s.strip()
print(t.lower(), t.upper(), t.title(), t.swapcase(), t.capitalize())
print(t.split(), t.split(", "), "a,b,,c".split(","), "a b c".split(maxsplit=1))
print("-".join(["x", "y", "z"]), t.replace("World", "Loop"), t.replace("l", "L", 1))
print(t.startswith("Hello"), t.endswith("!"), t.find("Async"), t.find("nope"), t.index("W"))
print(t.count("l"), len(t), "abc" * 3, "ab" + "cd")
print("42".zfill(5), "x".center(7, "*"), "x".ljust(4, "."), "x".rjust(4, "."))
print("123".isdigit(), "abc".isalpha(), "ab1".isalnum(), "   ".isspace(), "Hi".isupper())
print("line1\nline2\nline3".splitlines(), "a=b=c".partition("="), "a=b=c".rpartition("="))
print("tab\there", "quote\"s", 'single\'s', "back\\slash", "unicode: \u00e9")
print(str(12), str(1.5), str([1, "a"]), repr("x'y"), repr('x"y'))
print("%s" % "done", ord("A"), chr(66), "abc"[1], sorted("cab"), "ab" < "b")
