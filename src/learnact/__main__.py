"""`python -m learnact` is the `learnact` command."""

from learnact.cli.app import main

main()
