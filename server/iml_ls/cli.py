"""The ``iml-ls`` command: ``check`` and ``preview`` for terminals and CI, ``serve`` for editors."""

from __future__ import annotations

import argparse
import io
import math
import os
import re
import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

from iml_ls import __version__

# imported where used, the standard library's slower modules too: `iml-ls --version` and `serve` start
# without the analysis
if TYPE_CHECKING:
    from iml_ls.analysis import Analysis, Settings, Workspace
    from iml_ls.features.app_files import CheckTarget


class UsageError(Exception):
    """Bad arguments or unreadable input: reported in one line, exit status 2."""


_LONE_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _write_json(data: object) -> None:
    """JSON on stdout, non-ASCII kept as it is, but a lone surrogate (a JavaScript string may hold one,
    UTF-8 cannot) written as its ``\\udfff`` escape, which reads back as the same string."""
    import json

    text = json.dumps(data, ensure_ascii=False, indent=2)
    sys.stdout.write(_LONE_SURROGATE.sub(lambda match: f"\\u{ord(match.group()):04x}", text) + "\n")


def _targets(given: str) -> list[CheckTarget]:
    from iml_ls.features.app_files import NoAppFiles, check_targets

    try:
        return check_targets(given)
    except FileNotFoundError:
        raise UsageError(f"{given}: no such file or folder") from None
    except NoAppFiles:
        raise UsageError(f"{given}: no Make app files here (no makecomapp.json, base or component folders)") from None


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


_Results = tuple[list[dict[str, object]], list[dict[str, object]], list[str]]


def _check_target(settings: Settings, target: CheckTarget) -> _Results:
    """The files, the diagnostics and the files that could not be checked of one app (run in a worker
    process when there are many apps)."""
    from iml_ls.analysis import Workspace
    from iml_ls.checks import diagnostics
    from iml_ls.text.line_index import PositionEncoding

    workspace = Workspace(settings=settings)
    analysed: list[dict[str, object]] = []
    problems: list[dict[str, object]] = []
    unchecked: list[str] = []
    for path in target.files:
        analysis = workspace.analysis(path)
        if analysis is None or analysis.syntax.too_large:
            unchecked.append(path)
            if analysis is None:
                continue
        shown = _shown_path(path)
        place = analysis.place
        analysed.append(
            {
                "path": shown,
                "component": None
                if place is None
                else {"kind": place.kind.value, "type": place.component.type, "name": place.component.name},
                "role": place.role.value if place is not None else analysis.kind.value,
            }
        )
        for item in diagnostics(analysis):
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
    return analysed, problems, unchecked


_FIX_PASSES = 5
"""How often ``--fix`` checks a file again: a fix that overlapped another is applied the next time."""


def _apply_safe_fixes(settings: Settings, targets: list[CheckTarget]) -> int:
    """``check --fix``: write the safe fixes (those "fix all" applies in an editor) into each file,
    never through a symlink; the number of problems fixed."""
    from pathlib import Path

    from iml_ls import files
    from iml_ls.analysis import Workspace
    from iml_ls.checks import diagnostics
    from iml_ls.features.code_actions import fix_all

    def fixable(analysis: Analysis | None) -> int:
        """How many of the file's problems have a safe fix first."""
        found = diagnostics(analysis) if analysis is not None else []
        return sum(1 for item in found if item.fixes[:1] and item.fixes[0].safe)

    fixed = 0
    for target in targets:
        workspace = Workspace(settings=settings)
        for path in target.files:
            if os.path.islink(path):
                continue
            before = fixable(workspace.analysis(path))
            for _ in range(_FIX_PASSES if before else 0):
                analysis = workspace.analysis(path)
                edits = fix_all(analysis) if analysis is not None else []
                if analysis is None or not edits:
                    break
                text = analysis.text
                for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
                    text = text[: edit.start] + edit.new_text + text[edit.end :]
                files.write_atomically(Path(path), text, os.stat(path).st_mode & 0o7777)
                workspace.file_changed(path)
            fixed += before - fixable(workspace.analysis(path)) if before else 0
    return fixed


def _check(args: argparse.Namespace) -> int:
    from iml_ls.analysis import MAX_ANALYSED_CHARACTERS
    from iml_ls.checks.catalogue import Severity

    _check_samples(args)
    settings = _settings(args)
    targets = [target for given in args.paths for target in _targets(given)]
    if args.fix:
        fixed = _apply_safe_fixes(settings, targets)
        _warn(f"fixed {fixed} problem{'s' if fixed != 1 else ''} (the safe fixes; the rest are reported below)")
    if len(targets) > 1 and (os.cpu_count() or 1) > 1:
        import concurrent.futures

        with concurrent.futures.ProcessPoolExecutor() as pool:
            results = list(pool.map(_check_target, [settings] * len(targets), targets))
    else:
        results = [_check_target(settings, target) for target in targets]
    analysed = [file for found, _, _ in results for file in found]
    problems = [problem for _, found, _ in results for problem in found]
    unchecked = [path for _, _, found in results for path in found]
    errors = sum(problem["severity"] == Severity.ERROR.label for problem in problems)
    for path in unchecked:
        _warn(
            f"{_shown_path(path)}: not checked: it cannot be read, is not a regular file inside the app folder, "
            f"or is larger than iml-ls checks ({MAX_ANALYSED_CHARACTERS:,} characters)"
        )
    if args.format == "json":
        for problem in problems:
            del problem["line"], problem["column"]
        _write_json({"files": analysed, "diagnostics": problems})
    else:
        for problem in problems:
            line = (
                f"{problem['path']}:{problem['line']}:{problem['column']}: {problem['severity']} "
                f"{problem['name']}[{problem['code']}] {problem['message']}"
            )
            sys.stdout.write(printable(line) + "\n")
        checked = len(analysed) - len(unchecked)
        summary = f"{checked} file{'s' if checked != 1 else ''} checked, {len(problems)} problem"
        sys.stderr.write(
            summary + ("s" if len(problems) != 1 else "") + f" ({errors} error{'s' if errors != 1 else ''})\n"
        )
    return 1 if errors or unchecked else 0


_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """One line of terminal or CI-log output: control characters, line and paragraph separators and
    bidirectional overrides as escapes (``\\n``, ``\\x1b``), so that a value from a repository can
    neither start a line of its own (a forged ``::error`` annotation) nor send escape codes."""

    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return {"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char) or (
            f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"
        )

    return _UNPRINTABLE.sub(escape, text)


def _warn(message: str) -> None:
    sys.stderr.write(f"iml-ls: {printable(message)}\n")


def _check_samples(args: argparse.Namespace) -> None:
    """A ``--samples`` file that cannot be read is an error, not silently no samples."""
    from iml_ls import files

    samples = getattr(args, "samples", None)
    if samples is not None and files.read_text(samples, files.app_root(samples)) is None:
        raise UsageError(f"{samples}: no such samples file, or it cannot be read")


def _analysis_for(args: argparse.Namespace) -> tuple[Workspace, Analysis]:
    from iml_ls.analysis import Workspace

    _check_samples(args)
    workspace = Workspace(settings=_settings(args))
    analysis = workspace.analysis(args.file) if os.path.isfile(args.file) else None
    if analysis is None:
        raise UsageError(f"{args.file}: no such file, or it cannot be read")
    return workspace, analysis


def _preview(args: argparse.Namespace) -> int:
    """Tokens and requests; ``--request`` (or the http and curl formats) for the requests alone."""
    from iml_ls.features.preview import preview, render_preview_text
    from iml_ls.features.request_preview import render_request_text, request_preview

    workspace, analysis = _analysis_for(args)
    only_requests = args.request or args.format in ("http", "curl")
    tokens = None if only_requests else preview(analysis, now=args.now)
    if tokens is not None and args.format == "json":
        _write_json(tokens.as_json(analysis))
        return 0 if tokens.complete else 1
    now = tokens.now if tokens is not None else args.now
    requests = request_preview(workspace, analysis, now=now, reveal_secrets=args.reveal_secrets)
    if args.format == "json":
        _write_json(requests.as_json(analysis))
    elif args.format in ("http", "curl"):
        shown = [r.http() if args.format == "http" else r.curl() + "\n" for r in requests.requests if r.url]
        sys.stdout.write("\n".join(shown))
        if not shown:
            _warn(requests.note or "no request here sends anything")
    else:
        text = render_request_text(requests, analysis)
        if tokens is not None and tokens.tokens:
            text = render_preview_text(tokens, analysis) + "\n" + text
        lines = text.removesuffix("\n").split("\n")  # its own line breaks only
        sys.stdout.write("".join(printable(line) + "\n" for line in lines))
    return 0 if requests.complete and (tokens is None or tokens.complete) else 1


def _run(args: argparse.Namespace) -> int:
    """Send a component's requests (after confirmation) and run Make's response pipeline on the answers."""
    from dataclasses import replace

    from iml_ls.run.session import Confirm, NeedsInput, Run, RunOptions, render_run_text

    workspace, analysis = _analysis_for(args)
    at = None
    if args.at:
        index = analysis.index
        start = index.line_start(min(max(args.at, 1), index.line_count) - 1)
        line = analysis.text[start : index.line_end(index.line_of(start))]
        at = start + len(line) - len(line.lstrip())  # the line's first character, inside its request
    options = RunOptions(
        args.stage, at, args.pages, args.code, frozenset(), args.reveal_secrets, args.record, args.replay
    )
    clock = (lambda: args.now) if args.now is not None else time.time
    while True:
        answer = Run(workspace, analysis, options, clock=clock).run()
        if isinstance(answer, Confirm):
            if not (args.yes or _ask(f"{answer.message} [y/N] ").lower() in ("y", "yes")):
                raise UsageError(f"not sent: {answer.message} Pass --yes to send without asking.")
            options = replace(options, confirmed_hosts=options.confirmed_hosts | {answer.host})
        elif isinstance(answer, NeedsInput):
            sys.stderr.write(f"{printable(answer.prompt)}\n{printable(answer.authorize_url or '')}\n")
            code = _ask("Authorization code: ")
            if not code:
                raise UsageError("not sent: the `token` stage needs the authorization code (--code CODE).")
            options = replace(options, code=code)
        else:
            break
    shown = answer.as_json()
    if args.format == "json":
        _write_json(shown)
    else:
        lines = render_run_text(shown).removesuffix("\n").split("\n")
        sys.stdout.write("".join(printable(line) + "\n" for line in lines))
    return 1 if answer.failure is not None else 0


def _ask(prompt: str) -> str:
    """An answer typed on the terminal; empty without one (a confirmation is never read from a file or pipe)."""
    if not sys.stdin.isatty():
        return ""
    sys.stderr.write(printable(prompt))
    sys.stderr.flush()
    try:
        return sys.stdin.readline().strip()
    except (EOFError, OSError):
        return ""


def _serve(args: argparse.Namespace) -> int:
    from iml_ls.lsp.server import serve

    return serve(tcp=args.tcp)


def _host_and_port(text: str) -> tuple[str, int]:
    """``127.0.0.1:2087`` or ``:2087`` (localhost) → (host, port)."""
    host, _, port = text.rpartition(":")
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise argparse.ArgumentTypeError(f"{text!r} is not HOST:PORT with a port from 1 to 65535 (e.g. 127.0.0.1:2087)")
    return host or "127.0.0.1", int(port)


def _format(args: argparse.Namespace) -> int:
    """Format every app file the paths name (only whitespace changes); with ``--check``, only say
    which ones would change. A file with JSON syntax errors, or a symlink, is left alone and named."""
    from pathlib import Path

    from iml_ls import files
    from iml_ls.analysis import Workspace
    from iml_ls.features.formatting import FormatOptions, document_edits

    options = FormatOptions(args.tab_size, not args.tabs)
    workspace = Workspace()
    changed, refused = [], []
    for path in (path for given in args.paths for target in _targets(given) for path in target.files):
        analysis = None if os.path.islink(path) else workspace.analysis(path)
        edits = None if analysis is None else document_edits(analysis, options)
        if analysis is None or edits is None:
            refused.append(path)
            continue
        if not edits:
            continue
        changed.append(path)
        if not args.check:
            text = analysis.text
            for edit in sorted(edits, key=lambda edit: edit.start, reverse=True):
                text = text[: edit.start] + edit.new_text + text[edit.end :]
            files.write_atomically(Path(path), text, os.stat(path).st_mode & 0o7777)
    for path in changed:
        print(f"{'would format' if args.check else 'formatted'} {_shown_path(path)}")
    for path in refused:
        _warn(f"{_shown_path(path)}: not formatted (JSON syntax errors, a symlink, or over 1,000,000 characters)")
    return 1 if refused or (args.check and changed) else 0


def _epoch(text: str) -> float:
    """A finite number of Unix seconds for ``--now``."""
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or abs(value) > 8.64e12:
        raise argparse.ArgumentTypeError(f"{text!r} is not a time in Unix seconds (e.g. 1700000000)")
    return value


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
    check.add_argument(
        "--fix", action="store_true", help="first write the safe fixes into the files (as fix all does in an editor)"
    )
    check.set_defaults(run=_check)

    preview = commands.add_parser("preview", help="show each request Make would send and each jwt() token")
    preview.add_argument("file", metavar="FILE", help="a component file with requests (communication, epoch, attach…)")
    preview.add_argument("--samples", metavar="FILE", help="JSON with parameters/common/data sample values")
    preview.add_argument("--now", type=_epoch, metavar="EPOCH", help="the clock, in Unix seconds (default: now)")
    preview.add_argument(
        "--format", choices=("text", "json", "http", "curl"), default="text", help="http and curl show the requests"
    )
    preview.add_argument("--request", action="store_true", help="the requests alone (json: the request preview)")
    preview.add_argument("--reveal-secrets", action="store_true", help="show secrets instead of ••••")
    preview.add_argument("--require-claim", action="append", metavar="CLAIM", help=argparse.SUPPRESS)
    preview.add_argument("--disable", action="append", metavar="CODE", help=argparse.SUPPRESS)
    preview.set_defaults(run=_preview)

    run = commands.add_parser("run", help="send a component's requests and run Make's response pipeline on them")
    run.add_argument("file", metavar="FILE", help="a component file with requests (communication, epoch, attach…)")
    run.add_argument("--stage", metavar="NAME", help="the OAuth stage to run (token runs info after it)")
    run.add_argument("--at", type=int, metavar="LINE", help="run up to the request at this line")
    run.add_argument("--samples", metavar="FILE", help="JSON with parameters/common/data sample values")
    run.add_argument("--now", type=_epoch, metavar="EPOCH", help="the clock, in Unix seconds (default: now)")
    run.add_argument("--pages", type=int, default=1, metavar="N", help="follow pagination up to N pages (default 1)")
    run.add_argument("--code", metavar="CODE", help="the authorization code for an OAuth token stage")
    run.add_argument("--yes", action="store_true", help="send to every host without asking")
    run.add_argument("--record", action="store_true", help="save the responses beside the file (*.response.json)")
    run.add_argument("--replay", action="store_true", help="answer from the saved responses instead of the network")
    run.add_argument("--format", choices=("text", "json"), default="text")
    run.add_argument("--reveal-secrets", action="store_true", help="show secrets instead of ••••")
    run.add_argument("--require-claim", action="append", metavar="CLAIM", help=argparse.SUPPRESS)
    run.add_argument("--disable", action="append", metavar="CODE", help=argparse.SUPPRESS)
    run.set_defaults(run=_run)

    format_ = commands.add_parser("format", help="lay out app files the one way (only whitespace changes)")
    format_.add_argument("paths", nargs="+", metavar="PATH", help="a file or a Make app folder")
    format_.add_argument("--check", action="store_true", help="change nothing: name the files that would change")
    format_.add_argument("--tab-size", type=int, default=4, metavar="N", help="spaces per level (default 4)")
    format_.add_argument("--tabs", action="store_true", help="indent with tabs")
    format_.set_defaults(run=_format)

    serve = commands.add_parser("serve", help="run the language server (stdio unless --tcp)")
    serve.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    serve.add_argument(
        "--tcp", metavar="HOST:PORT", type=_host_and_port, help="listen on a TCP socket for one client instead"
    )
    serve.set_defaults(run=_serve)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):  # what the terminal cannot show is escaped (`\udfff`), never fatal
            stream.reconfigure(errors="backslashreplace")
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        status: int = args.run(args)
    except UsageError as error:
        _warn(str(error))
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `iml-ls check . | head`: the reader has what it wanted
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 141
    return status


if __name__ == "__main__":
    sys.exit(main())
