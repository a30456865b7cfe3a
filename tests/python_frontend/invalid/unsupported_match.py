# concsim-expect: SyntaxError|not supported by concsim: the match statement|3|1
x = 1
match x:
    case 1:
        pass
    case _:
        pass
