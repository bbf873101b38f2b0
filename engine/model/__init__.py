"""The campaign and facts models, the catalogue and the vocabulary.

Importing the package loads the vocabulary module, which hands the room below (engine.common.message)
the function that says a message: every problem made anywhere in the engine can be said as soon as any
model is in use, whichever module a caller imported first.
"""

from engine.model import vocabulary as _vocabulary  # noqa: F401 - registers the sayer (see above)
