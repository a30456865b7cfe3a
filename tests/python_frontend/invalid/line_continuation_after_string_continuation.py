s = 'line one\
continued'; t = 'wide \u200b' \ x
