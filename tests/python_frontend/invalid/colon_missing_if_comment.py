if x  # why
    pass
