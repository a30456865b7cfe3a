#!/usr/bin/env python3
# vim: set fileencoding=UTF-8 :
x = 1
