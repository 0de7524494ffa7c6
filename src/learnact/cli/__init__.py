"""The `learnact` command line: thin Typer commands over the library."""
