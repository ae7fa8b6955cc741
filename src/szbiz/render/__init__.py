"""Renderers, each chosen by name from a registry. They read no files and decide no exit codes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

F = TypeVar("F", bound=Callable[..., object])


class Registry(Generic[F]):
    """Named renderers of one kind of data (problems, tasks, …)."""

    def __init__(self, what: str) -> None:
        self.what = what
        self._items: dict[str, F] = {}

    def register(self, name: str) -> Callable[[F], F]:
        def add(func: F) -> F:
            self._items[name] = func
            return func

        return add

    def __getitem__(self, name: str) -> F:
        return self._items[name]

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)
