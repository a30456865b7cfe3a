match command.split():
    case [action]:
        pass
x = 1 2 if False else 3
