café = "naïve"; x = 1 § 2
