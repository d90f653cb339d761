"""A progress bar on stderr for long runs; silent when stderr is not a terminal."""

from __future__ import annotations

import sys

from tqdm import tqdm


class Progress:
    """Counts resolutions done, with rate and ETA; a no-op when quiet or not on a terminal."""

    def __init__(self, quiet: bool = False, unit: str = "item") -> None:
        self.enabled = not quiet and sys.stderr.isatty()
        self.unit = unit
        self.bar: tqdm | None = None

    def set_total(self, total: int) -> None:
        if self.enabled:
            self.bar = tqdm(total=total, unit=self.unit, file=sys.stderr, leave=False)

    def advance(self, n: int) -> None:
        if self.bar is not None:
            self.bar.update(n)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.close()
