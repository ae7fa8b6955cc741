"""Renderers, each chosen by name from a registry. They read no files and decide no exit codes."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

F = TypeVar("F", bound=Callable[..., object])


class Registry(dict[str, F]):
    def register(self, name: str) -> Callable[[F], F]:
        def add(func: F) -> F:
            self[name] = func
            return func

        return add
