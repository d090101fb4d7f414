"""The values IML expressions compute, modelled on the JavaScript values Make's runtime uses.

One model serves the evaluator, the built-in functions, the jsonwebtoken-compatible signer and the
preview, so that a value means the same thing everywhere:

=================  ==========================================================
JavaScript         Python
=================  ==========================================================
``undefined``      :data:`UNDEFINED` (an argument or member that is absent)
``null``           ``None``
boolean            ``bool``
number             ``float``, or ``int`` for an integral value (both are doubles)
string             ``str`` (may hold lone surrogates, as JS strings may)
Buffer (binary)    ``bytes``
Date               :class:`datetime.datetime`, timezone-aware, in UTC
array              ``list``
plain object       ``dict`` with ``str`` keys, in insertion order
=================  ==========================================================
"""

from __future__ import annotations

import datetime as _dt
import math
import time
from dataclasses import dataclass, field
from typing import Final, TypeAlias


class Undefined:
    """JavaScript's ``undefined``: distinct from ``null`` (``None``)."""

    _instance: Undefined | None = None

    def __new__(cls) -> Undefined:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Final = Undefined()

JsValue: TypeAlias = (
    "Undefined | bool | int | float | str | bytes | _dt.datetime | list[JsValue] | dict[str, JsValue] | None"
)


class EvaluationError(Exception):
    """An IML expression failed the way it would fail at Make's runtime (the message says why)."""

    reveals_secret: bool = False
    """Whether the message may quote a value derived from a secret sample value (then it is never shown)."""


class EvaluationLimitError(EvaluationError):
    """Evaluation stopped because it exceeded a time or size budget (never a Make runtime error)."""


@dataclass
class Deadline:
    """When the running evaluation must stop (``time.monotonic()``): the evaluator sets it, and a
    built-in function whose work grows with its input checks it as it goes."""

    at: float = math.inf

    def remaining(self) -> float | None:
        """Seconds left (None: no deadline), as the ``regex`` package's ``timeout`` takes them."""
        return None if math.isinf(self.at) else max(0.0, self.at - time.monotonic())

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise EvaluationLimitError("Evaluation took too long and was stopped.")


@dataclass(frozen=True)
class EvalContext:
    """What an evaluation may depend on besides its inputs: the clock and the budgets.

    ``now`` is injectable so that every preview is reproducible (``iml-ls preview --now``).
    """

    now: _dt.datetime
    max_string_length: int = 1_000_000
    max_collection_length: int = 100_000
    deadline: Deadline = field(default_factory=Deadline, compare=False)
    own_functions: frozenset[str] = frozenset()
    """The app's own IML functions (JavaScript in ``functions/``): known, but never run."""

    @property
    def timestamp(self) -> int:
        """Unix seconds, as IML's ``timestamp`` variable gives them."""
        return int(self.now.timestamp() // 1)
