"""Reading: Dockerfile text -> a lossless list of items (instructions and trivia)."""

from migrator.parse.dockerfile import Dockerfile, Heredoc, Instruction, Trivia, parse

__all__ = ["Dockerfile", "Heredoc", "Instruction", "Trivia", "parse"]
