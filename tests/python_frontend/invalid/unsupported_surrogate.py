# concsim-expect: SyntaxError|not supported by concsim: lone surrogates in strings (\ud800 to \udfff)|2|5
x = '\ud800'
