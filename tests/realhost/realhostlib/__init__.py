"""realhost's code; the command is ../realhost (its docstring says how to use it)."""
