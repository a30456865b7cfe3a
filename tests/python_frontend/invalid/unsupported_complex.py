# concsim-expect: SyntaxError|not supported by concsim: complex numbers|2|9
z = 1 + 2j
