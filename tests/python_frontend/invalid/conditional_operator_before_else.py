z = 'a' if x *else 'b'
