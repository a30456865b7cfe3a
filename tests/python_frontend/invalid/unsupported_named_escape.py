# concsim-expect: SyntaxError|not supported by concsim: \N{...} escapes|2|5
x = 'em \N{EM DASH} dash'
