"""Reading a repository's files safely, and writing the few files iml-ls writes: the one place it
opens a file on disk.

A repository a user opens may be hostile. A committed symlink can point at a Docker config, at
``.git/config`` with a CI token, at ``/proc/self/environ``, at ``/dev/zero`` (endless) or at
``/dev/stdin`` (the language server's own protocol input). So every file iml-ls reads from disk
goes through :func:`read_text`, which reads a file only when

- its real path (every symlink resolved) lies inside the *app root* it belongs to;
- no folder of that real path is ``.git``, and it is not under ``/proc``, ``/sys`` or ``/dev``;
- it is a regular file (no device, FIFO or socket), checked on the opened file itself;
- it has at most :data:`MAX_FILE_BYTES` bytes.

The app root of a file (:func:`app_root`) is the nearest folder at or above the file's own folder
that holds ``makecomapp.json`` (Make's app manifest), not going above ``limit`` (the folder a
command was given); without one it is ``limit``, or the file's own folder.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

MAX_FILE_BYTES = 8_000_000
"""Larger files are not read (the analysis refuses texts over 8 million characters anyway)."""

_SYSTEM_FOLDERS = tuple(Path(folder) for folder in ("/proc", "/sys", "/dev"))
_SKIPPED_FOLDERS = frozenset({".git", "node_modules"})
"""Folders a walk never enters: git's own files (credentials live there) and installed packages."""


def app_root(path: str | Path, limit: str | Path | None = None) -> Path:
    """The folder that bounds what may be read for ``path`` (see the module's docstring)."""
    folder = Path(os.path.abspath(path)).parent
    top = Path(os.path.abspath(limit)) if limit is not None else None
    for candidate in (folder, *folder.parents):
        if top is not None and not candidate.is_relative_to(top):
            break
        if (candidate / "makecomapp.json").is_file():
            return candidate
    return top if top is not None and folder.is_relative_to(top) else folder


def _real_inside(path: str | Path, root: str | Path) -> Path | None:
    """The real path of ``path`` when it lies inside the real ``root`` and outside forbidden places."""
    try:
        real = Path(os.path.realpath(path, strict=True))
        real_root = Path(os.path.realpath(root, strict=True))
    except (OSError, RuntimeError, ValueError):
        return None
    if not real.is_relative_to(real_root) or ".git" in real.parts:
        return None
    if any(real.is_relative_to(folder) for folder in _SYSTEM_FOLDERS):
        return None
    return real


def is_safe(path: str | Path, root: str | Path) -> bool:
    """Whether :func:`read_text` may read ``path``: a regular file inside ``root`` (symlinks resolved)."""
    real = _real_inside(path, root)
    if real is None:
        return False
    try:
        return stat.S_ISREG(os.stat(real).st_mode)
    except OSError:
        return False


def read_text(path: str | Path, root: str | Path, limit: int = MAX_FILE_BYTES) -> str | None:
    """The text of ``path`` (invalid UTF-8 replaced), or None when it is not safe to read (see the
    module's docstring), cannot be read or has more than ``limit`` bytes."""
    real = _real_inside(path, root)
    if real is None:
        return None
    try:
        # O_NONBLOCK: opening a FIFO swapped in after the check above must not wait for a writer.
        descriptor = os.open(real, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return None
        with os.fdopen(os.dup(descriptor), "rb") as file:
            data = file.read(limit + 1)
    except OSError:
        return None
    finally:
        os.close(descriptor)
    if len(data) > limit:
        return None
    return data.decode("utf-8", "replace")


def walk(root: str | Path, suffix: str = "") -> Iterator[Path]:
    """The regular files under ``root`` whose names end with ``suffix``, sorted, that :func:`is_safe`
    allows; symlinked folders are not entered, and ``.git`` and ``node_modules`` are skipped."""
    found: list[Path] = []
    for folder, folders, names in os.walk(root, followlinks=False):
        folders[:] = [name for name in folders if name not in _SKIPPED_FOLDERS]
        found.extend(Path(folder, name) for name in names if name.endswith(suffix))
    yield from (path for path in sorted(found) if is_safe(path, root))


_SAFE_GIT = (
    "git",
    "-c", "core.fsmonitor=false",  # a repository's own config could name a program to run here
    "-c", "core.hooksPath=/dev/null",
    "-c", "core.untrackedCache=false",
)  # fmt: skip
_GIT_ENVIRONMENT = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_OPTIONAL_LOCKS": "0",
}


def tracked_by_git(path: str | Path) -> bool:
    """Whether git tracks the file, asked so that the repository's own git config cannot make git
    run a program (``core.fsmonitor`` names one that ``git ls-files`` would start)."""
    import subprocess

    folder = Path(path).parent
    environment = {name: value for name, value in os.environ.items() if not name.startswith("GIT_")}
    try:
        result = subprocess.run(
            [*_SAFE_GIT, "ls-files", "--error-unmatch", "--", Path(path).name],
            cwd=folder,
            env=environment | _GIT_ENVIRONMENT,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=5,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return result.returncode == 0


def write_atomically(path: Path, text: str, mode: int) -> None:
    """Write ``path`` with ``mode`` through a temporary file in its folder, then rename it over the
    target: a reader sees the old or the new text, never half of it, and a symlink in its place is
    replaced, not followed. Only what the user asked for is written (a run's recording, its stored
    connection data)."""
    descriptor, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(descriptor, mode)
        with os.fdopen(descriptor, "w", encoding="utf-8", newline="") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
