price€ = 1
