x = [*a for]
