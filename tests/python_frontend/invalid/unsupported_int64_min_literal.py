# concsim-expect: SyntaxError|not supported by concsim: integers beyond 64 bits|2|6
x = -9223372036854775808
