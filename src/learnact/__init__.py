"""learnact: open-action learning for LLM agents.

Agents learn new actions (Python functions composed of an environment's basic
actions) from experience, following the LearnAct method (Zhao et al., COLM 2024).
"""

__version__ = "0.1.0"
