"""App: the command line, the practice session the window drives, history, folders and errors."""
