# concsim-expect: SyntaxError|not supported by concsim: bytes literals|2|5
x = b'abc'
