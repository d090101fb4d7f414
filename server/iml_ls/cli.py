"""The ``iml-ls`` command: ``check`` and ``preview`` for terminals and CI, ``serve`` for editors."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from iml_ls import __version__

if TYPE_CHECKING:  # imported where used: `iml-ls --version` and `serve` start without the analysis
    from iml_ls.analysis import Analysis, Settings, Workspace
    from iml_ls.model.app import Role
    from iml_ls.model.connection import FileKind


@cache
def _checked_kinds() -> frozenset[FileKind]:
    from iml_ls.model.connection import FileKind

    return frozenset(
        {
            FileKind.COMMUNICATION,
            FileKind.OAUTH_COMMUNICATION,
            FileKind.PARAMS,
            FileKind.BASE,
            FileKind.OTHER_IML,
            FileKind.COMMON,
            FileKind.APP_MANIFEST,
            FileKind.SAMPLES,
            FileKind.WEBHOOK,
        }
    )


@cache
def _unchecked_roles() -> frozenset[Role]:
    """JavaScript and Markdown files of an app are not IML."""
    from iml_ls.model.app import Role

    return frozenset({Role.CODE, Role.TEST, Role.OTHER})


class UsageError(Exception):
    """Bad arguments or unreadable input: reported in one line, exit status 2."""


@dataclass(frozen=True)
class _Target:
    """What one ``check`` argument names: the files to check, and the app root they belong to."""

    root: str | None
    files: tuple[str, ...]


def _targets(given: str) -> list[_Target]:
    """The apps (and their files) a path names: a file, a folder inside an app, an app root, or a
    folder of many apps; loose connection files when no app is found."""
    from iml_ls.model.app import app_roots_under, find_app_root
    from iml_ls.model.connection import file_kind

    path = Path(given)
    if path.is_file():
        return [_Target(find_app_root(str(path)), (os.path.abspath(path),))]
    if not path.is_dir():
        raise UsageError(f"{given}: no such file or folder")
    folder = os.path.abspath(path)
    root = find_app_root(folder)
    roots = [root] if root is not None else app_roots_under(folder)
    targets = [
        _Target(found, tuple(p for p in _app_paths(found) if p == folder or p.startswith(folder + os.sep)))
        for found in roots
    ]
    loose = [
        str(found)
        for found in sorted(path.rglob("*.json"))
        if found.is_file() and file_kind(str(found)) in _checked_kinds() and "node_modules" not in found.parts
    ]
    placed = {file for target in targets for file in target.files}
    extra = tuple(os.path.abspath(file) for file in loose if os.path.abspath(file) not in placed and not roots)
    if extra:
        targets.append(_Target(None, extra))
    if not any(target.files for target in targets):
        raise UsageError(f"{given}: no Make app files here (no makecomapp.json, base or component folders)")
    return targets


def _app_paths(root: str) -> list[str]:
    from iml_ls.model.app import load_app

    app = load_app(root)
    return sorted(path for path, place in app.places.items() if place.role not in _unchecked_roles())


def _settings(args: argparse.Namespace) -> Settings:
    from iml_ls.analysis import Settings

    return Settings(
        required_claims=tuple(args.require_claim) if args.require_claim else ("exp",),
        disabled_diagnostics=frozenset(args.disable or ()),
        samples_file=getattr(args, "samples", None),
    )


def _shown_path(path: str) -> str:
    relative = os.path.relpath(path)
    return path if relative.startswith(".." + os.sep) else relative


def _check_target(settings: Settings, target: _Target) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    """The files and the diagnostics of one app (run in a worker process when there are many apps)."""
    from iml_ls.analysis import Workspace
    from iml_ls.text.line_index import PositionEncoding

    workspace = Workspace(settings=settings)
    files: list[dict[str, object]] = []
    problems: list[dict[str, object]] = []
    for path in target.files:
        analysis = workspace.analysis(path)
        if analysis is None:
            raise UsageError(f"{path}: cannot be read")
        shown = _shown_path(path)
        place = analysis.place
        files.append(
            {
                "path": shown,
                "component": None
                if place is None
                else {"kind": place.kind.value, "type": place.component.type, "name": place.component.name},
                "role": place.role.value if place is not None else analysis.kind.value,
            }
        )
        for item in analysis.diagnostics:
            start = analysis.index.position(item.start, PositionEncoding.UTF16)
            end = analysis.index.position(item.end, PositionEncoding.UTF16)
            human = analysis.index.position(item.start, PositionEncoding.UTF32)
            problems.append(
                {
                    "path": shown,
                    "range": {
                        "start": {"line": start.line, "character": start.character},
                        "end": {"line": end.line, "character": end.character},
                    },
                    "line": human.line + 1,
                    "column": human.character + 1,
                    "severity": item.rule.severity.label,
                    "code": item.rule.code,
                    "name": item.rule.name,
                    "message": item.message,
                }
            )
    return files, problems


def _check(args: argparse.Namespace) -> int:
    from iml_ls.checks.catalogue import Severity

    settings = _settings(args)
    targets = [target for given in args.paths for target in _targets(given)]
    if len(targets) > 1 and (os.cpu_count() or 1) > 1:
        import concurrent.futures

        with concurrent.futures.ProcessPoolExecutor() as pool:
            results = list(pool.map(_check_target, [settings] * len(targets), targets))
    else:
        results = [_check_target(settings, target) for target in targets]
    files = [file for found, _ in results for file in found]
    problems = [problem for _, found in results for problem in found]
    errors = sum(problem["severity"] == Severity.ERROR.label for problem in problems)
    if args.format == "json":
        for problem in problems:
            del problem["line"], problem["column"]
        output = {"files": files, "diagnostics": problems}
        sys.stdout.write(json.dumps(output, ensure_ascii=False, indent=2) + "\n")
    else:
        for problem in problems:
            sys.stdout.write(
                f"{problem['path']}:{problem['line']}:{problem['column']}: {problem['severity']} "
                f"{problem['name']}[{problem['code']}] {problem['message']}\n"
            )
        summary = f"{len(files)} file{'s' if len(files) != 1 else ''} checked, {len(problems)} problem"
        sys.stderr.write(
            summary + ("s" if len(problems) != 1 else "") + f" ({errors} error{'s' if errors != 1 else ''})\n"
        )
    return 1 if errors else 0


def _analysis_for(args: argparse.Namespace) -> tuple[Workspace, Analysis]:
    if args.samples is not None and not Path(args.samples).is_file():
        raise UsageError(f"{args.samples}: no such samples file")
    from iml_ls.analysis import Workspace

    workspace = Workspace(settings=_settings(args))
    analysis = workspace.analysis(args.file) if Path(args.file).is_file() else None
    if analysis is None:
        raise UsageError(f"{args.file}: no such file")
    return workspace, analysis


def _preview(args: argparse.Namespace) -> int:
    from iml_ls.features.preview import preview, render_preview_text

    _, analysis = _analysis_for(args)
    result = preview(analysis, now=args.now)
    if args.format == "json":
        sys.stdout.write(json.dumps(result.as_json(analysis), ensure_ascii=False, indent=2) + "\n")
    else:
        sys.stdout.write(render_preview_text(result, analysis))
    return 0 if result.complete else 1


def _serve(args: argparse.Namespace) -> int:
    from iml_ls.lsp.server import serve

    serve(tcp=args.tcp)
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="iml-ls", description="Language server and checker for Make custom-app connection files (IML)."
    )
    parser.add_argument("--version", action="version", version=f"iml-ls {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    check = commands.add_parser("check", help="report every mistake iml-ls can prove in files or app folders")
    check.add_argument("paths", nargs="+", metavar="PATH", help="a connection file or a Make app folder")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("--require-claim", action="append", metavar="CLAIM", help="JWT claim to require (default exp)")
    check.add_argument("--disable", action="append", metavar="CODE", help="a diagnostic code or name to skip")
    check.add_argument("--samples", metavar="FILE", help="sample values for evaluating expressions")
    check.set_defaults(run=_check)

    preview = commands.add_parser("preview", help="evaluate a connection and show each jwt() token")
    preview.add_argument("file", metavar="FILE", help="a *.communication.iml.json file")
    preview.add_argument("--samples", metavar="FILE", help="JSON with parameters/common/data sample values")
    preview.add_argument("--now", type=float, metavar="EPOCH", help="the clock, in Unix seconds (default: now)")
    preview.add_argument("--format", choices=("text", "json"), default="text")
    preview.add_argument("--require-claim", action="append", metavar="CLAIM", help=argparse.SUPPRESS)
    preview.add_argument("--disable", action="append", metavar="CODE", help=argparse.SUPPRESS)
    preview.set_defaults(run=_preview)

    serve = commands.add_parser("serve", help="run the language server (stdio unless --tcp)")
    serve.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    serve.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead")
    serve.set_defaults(run=_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except UsageError as error:
        sys.stderr.write(f"iml-ls: {error}\n")
        return 2
    except KeyboardInterrupt:
        return 130
    return status


if __name__ == "__main__":
    sys.exit(main())
