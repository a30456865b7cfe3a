x = (c d)
