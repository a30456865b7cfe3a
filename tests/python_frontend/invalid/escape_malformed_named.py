x = "\N{EM DASH"
