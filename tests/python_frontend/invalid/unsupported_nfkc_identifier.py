# concsim-expect: SyntaxError|not supported by concsim: identifiers that NFKC normalization changes ('ﬁ', U+FB01)|2|1
ﬁle = 1
