"""workspace/executeCommand ``iml.runRequest``: send a component's requests and run Make's response
pipeline on the answers (the ``Send request`` code lens).

The run evaluates on the analysis thread, like everything that reads the workspace, but waits for the
network on a thread of its own: the server goes on answering other requests meanwhile. The hosts
the user confirmed are kept in memory for this server's session only (never read from the app).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams

from iml_ls.features.client_names import RUN_COMMAND
from iml_ls.lsp.handlers.commands import position_argument
from iml_ls.lsp.server import REQUEST_FAILED, ImlLanguageServer, stack_trace

if TYPE_CHECKING:
    from iml_ls.analysis import Analysis
    from iml_ls.run.session import Confirm, NeedsInput, RunOptions

log = logging.getLogger("iml_ls")
T = TypeVar("T")


def _options(raw: Any) -> dict[str, Any]:
    """The command's one argument, checked: ``{"uri", "position"?, "stage"?, "pages"?, "code"?,
    "confirmedHosts"?, "record"?, "replay"?}``."""
    from iml_ls.run.session import MAX_PAGES

    if not isinstance(raw, dict) or not isinstance(raw.get("uri"), str):
        raise JsonRpcInvalidParams(f'{RUN_COMMAND} takes one object: {{"uri": …, "position"?: …, "stage"?: …}}.')
    checks: dict[str, Callable[[Any], bool]] = {
        "stage": lambda value: isinstance(value, str),
        "pages": lambda value: isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_PAGES,
        "code": lambda value: isinstance(value, str),
        "confirmedHosts": lambda value: isinstance(value, list) and all(isinstance(host, str) for host in value),
        "record": lambda value: isinstance(value, bool),
        "replay": lambda value: isinstance(value, bool),
    }
    for name, valid in checks.items():
        if name in raw and raw[name] is not None and not valid(raw[name]):
            raise JsonRpcInvalidParams(
                f"{RUN_COMMAND}: `{name}` has the wrong type (or pages is not 1 to {MAX_PAGES})."
            )
    return raw


def register(server: ImlLanguageServer) -> None:
    confirmed: set[str] = set()
    """Hosts the user agreed to send to, in this session."""

    def on_analysis_thread(job: Callable[[], T]) -> T:
        return server.submit(job).result()

    @server.command(RUN_COMMAND)
    async def run_request(ls: ImlLanguageServer, *args: Any) -> dict[str, object]:
        """Answers ``{"confirm": …}``, ``{"needsInput": …}`` or ``{"result": …}`` (see docs/features/run.md)."""
        if len(args) != 1:
            raise JsonRpcInvalidParams(f"{RUN_COMMAND} takes one object argument.")
        raw = _options(args[0])
        confirmed.update(raw.get("confirmedHosts") or ())

        from iml_ls.run.session import Run, RunOptions, RunResult

        def prepare() -> tuple[Analysis, RunOptions]:
            analysis = ls.analysis(raw["uri"])
            if analysis is None:
                raise JsonRpcInvalidParams(f"{raw['uri']} is not an open document.")
            position = raw.get("position")
            at = ls.offset(analysis, position_argument(position)) if position is not None else None
            options = RunOptions(
                raw.get("stage"),
                at,
                raw.get("pages") or 1,
                raw.get("code"),
                frozenset(confirmed),
                record=raw.get("record") is True,
                replay=raw.get("replay") is True,
            )
            return analysis, options

        def run(analysis: Analysis, options: RunOptions) -> Confirm | NeedsInput | RunResult:
            """On a thread of its own: what reads the workspace goes to the analysis thread, the network waits here."""
            return Run(ls.iml, analysis, options, analysis_thread=on_analysis_thread).run()

        try:
            analysis, options = await ls.in_worker(prepare)
            answer = await asyncio.to_thread(run, analysis, options)
            if not isinstance(answer, RunResult):
                return answer.as_json()
            if answer.recorded_to is not None:
                ls.refresh_code_lenses()
            return answer.as_json(ls.encoding)
        except JsonRpcException:
            raise
        except Exception as error:
            log.error("%s failed:\n%s", RUN_COMMAND, stack_trace())
            raise JsonRpcException(
                f"iml-ls could not answer {RUN_COMMAND}: {type(error).__name__}", REQUEST_FAILED
            ) from None
