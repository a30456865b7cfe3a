# concsim-expect: SyntaxError|not supported by concsim: bytes literals|2|9
x = 1 + rb'\d' + Br"x"
