f(**a, *b


