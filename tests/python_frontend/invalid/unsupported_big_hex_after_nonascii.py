# concsim-expect: SyntaxError|not supported by concsim: integers beyond 64 bits|2|9
café = [0x1_0000_0000_0000_0000]
