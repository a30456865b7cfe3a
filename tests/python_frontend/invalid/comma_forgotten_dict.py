d = {a b: 1}
