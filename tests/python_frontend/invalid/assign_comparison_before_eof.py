to<tal = 1 + \
        2 \
