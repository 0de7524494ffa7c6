"""Action libraries: learned actions on disk (``actions.py`` + ``library.json``).

``ActionLibrary.load(dir)`` reads one; ``bind(library, family, episode)`` makes its
actions callable from your own code (always through the sandbox). See docs/library.md.
"""

from learnact.library.bind import BoundLibrary, bind
from learnact.library.format import ActionLibrary, LearnedAction

__all__ = ["ActionLibrary", "BoundLibrary", "LearnedAction", "bind"]
