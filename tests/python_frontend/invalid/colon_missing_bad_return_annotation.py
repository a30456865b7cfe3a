def f(a) -> except:
    pass
