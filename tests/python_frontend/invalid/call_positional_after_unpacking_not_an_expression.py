x = f(**a, not **b)
