x = [(i, j) for iin a for j in b]
