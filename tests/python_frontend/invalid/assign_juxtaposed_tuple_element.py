emoji, lis t = [1, 2]
