"""Action libraries: learned actions on disk (``actions.py`` + ``library.json``)."""

from learnact.library.format import ActionLibrary, LearnedAction

__all__ = ["ActionLibrary", "LearnedAction"]
