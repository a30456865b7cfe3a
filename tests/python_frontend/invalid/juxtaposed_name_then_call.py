ef f(**a, b):
    pass
