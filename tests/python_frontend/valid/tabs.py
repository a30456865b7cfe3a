if True:
	x = 1
	if x:
		y = 2
		# comment at odd indent
  # another

		z = 3
	w = 4
