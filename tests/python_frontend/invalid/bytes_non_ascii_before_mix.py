x = "a" b"café"
