run(main, *, debug=None)
