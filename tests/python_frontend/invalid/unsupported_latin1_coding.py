# concsim-expect: SyntaxError|not supported by concsim: source encoding 'latin-1' (concsim reads UTF-8 source only)|2|1
# -*- coding: latin-1 -*-
x = 1
