"""Hooks: how an app starts or asks for work of an app above it without importing it (README.md, architecture).

The lower app owns the hook and calls it; a higher app registers a function in its AppConfig.ready(). So reading
a record can start finding its events, and a narrative's draft can ask how to word an engagement, while every
import still points down."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


class Hook:
    """A named point where registered functions are called with keyword arguments; returns their results."""

    def __init__(self, name: str, *, signature: str) -> None:
        self.name = name
        self.signature = signature  # what a registered function is given and returns, for the reader
        self._functions: dict[str, Callable[..., Any]] = {}

    def register(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """Add a function (once: registering the same function again, e.g. from a second ready(), replaces it)."""
        self._functions[f"{function.__module__}.{function.__qualname__}"] = function
        return function

    def __call__(self, **kwargs: Any) -> list[Any]:
        return [function(**kwargs) for function in self._functions.values()]

    def call_top_down(self, **kwargs: Any) -> list[Any]:
        """Call the functions newest first. Apps register in layer order (INSTALLED_APPS), so the apps above go
        first: when each deletes its rows, rows are gone before the rows they point at."""
        return [function(**kwargs) for function in reversed(self._functions.values())]

    def __repr__(self) -> str:
        return f"<Hook {self.name}: {self.signature}>"
