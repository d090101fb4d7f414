"""One run of a component's requests: build each request exactly as the preview does, with real values
(``temp`` the earlier responses set, what the connection stored, the previous page's response), ask
before the first send to a host, send it, run the response pipeline, follow pages on request, and
keep what a connection or an attach stores.

Evaluation runs where the caller says (the server's analysis thread); only the network waits run on
the caller's own thread, so the server answers other requests meanwhile.
"""

from __future__ import annotations

import functools
import json
import math
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol, TypeVar

from iml_ls.analysis import Analysis, Workspace
from iml_ls.evaluate import coerce
from iml_ls.evaluate.environment import TempState, secret_looking
from iml_ls.evaluate.evaluator import placeholder_label
from iml_ls.evaluate.js_json import stringify
from iml_ls.evaluate.secrets import MASK, secret_masker
from iml_ls.evaluate.values import UNDEFINED, JsValue
from iml_ls.features.request_preview import (
    RequestBuilder,
    RequestPreview,
    page_variables,
    request_builder,
    request_targets,
)
from iml_ls.model.app import ComponentKind, Role, linked_connections
from iml_ls.model.connection import Request
from iml_ls.model.schema import BROWSER_STAGES, CONNECTIONS, OAUTH_CHAINS, Context
from iml_ls.run import http
from iml_ls.run.exchange import (
    DEFAULT_TIMEOUT,
    MAX_TIMEOUT,
    ReceivedResponse,
    Sender,
    SendError,
    SendOptions,
    SentRequest,
    header_variables,
    host_of,
)
from iml_ls.run.pipeline import MAX_REPEATS, Directives, Evaluating, Failure, PageResult, Pipeline, Step
from iml_ls.run.recordings import RecordedExchange, Recording, recording_path, write_recording
from iml_ls.run.store import Store, StoreError, read_store, store_path, write_store
from iml_ls.syntax.json_tree import JsonObject
from iml_ls.text.line_index import PositionEncoding

T = TypeVar("T")

MAX_PAGES = 50
"""Make stops paginating after 50 pages."""
MAX_SHOWN_BODY = 200_000
"""Characters of a response body shown (the pipeline reads all of it)."""
LEARNED_SECRET_LENGTH = 8
"""A value under a secret name in a response (``access_token``) is masked everywhere once it is this long
(a short one, such as ``{"key": "name"}``, would mask ordinary words; it is still masked where it stands)."""
CODE_PROMPT = (
    "Paste the authorization code: open the authorize URL in a browser, sign in, and copy the `code` "
    "parameter of the URL the service redirects to."
)


class AnalysisThread(Protocol):
    """Runs a job where the workspace may be read (the server's analysis thread) and returns its result."""

    def __call__(self, job: Callable[[], T]) -> T: ...


def on_this_thread(job: Callable[[], T]) -> T:
    return job()


@dataclass(frozen=True)
class RunOptions:
    """What the user asked for."""

    stage: str | None = None
    at: int | None = None
    """An offset in the file: run up to the request there (or its OAuth stage)."""
    pages: int = 1
    code: str | None = None
    """The authorization code pasted for an OAuth ``token`` stage."""
    confirmed_hosts: frozenset[str] = frozenset()
    reveal_secrets: bool = False
    record: bool = False
    """Save the responses beside the file (see :mod:`iml_ls.run.recordings`)."""
    replay: bool = False
    """Answer every request from the file's recording instead of the network."""


@dataclass(frozen=True)
class Confirm:
    """The first send to a host needs the user's yes, naming the secrets that go there."""

    host: str
    secrets: tuple[str, ...]

    @property
    def message(self) -> str:
        carried = (
            f" It carries {', '.join(self.secrets)}." if self.secrets else " It carries no secret iml-ls knows of."
        )
        return f"Send the request to {self.host}?{carried} Nothing is sent to a host until you confirm it."

    def as_json(self) -> dict[str, object]:
        return {"confirm": {"host": self.host, "secrets": list(self.secrets), "message": self.message}}


@dataclass(frozen=True)
class NeedsInput:
    """An OAuth ``token`` stage needs the authorization code the user's browser received."""

    name: str
    prompt: str
    authorize_url: str | None

    def as_json(self) -> dict[str, object]:
        return {"needsInput": {"name": self.name, "prompt": self.prompt, "authorizeUrl": self.authorize_url}}


@dataclass
class Exchange:
    """One request sent (or not) and what came back, as shown (masked unless revealed)."""

    label: str
    page: int
    request: RequestPreview
    """As shown: secrets masked."""
    response: ReceivedResponse | None
    steps: list[Step] = field(default_factory=list)
    sent: RequestPreview | None = None
    """As sent (shown instead of ``request`` when secrets are revealed)."""


@dataclass
class RunResult:
    """Everything a run did, to show; ``masker`` masks what is shown."""

    analysis: Analysis
    stage: str | None
    masker: Masker
    exchanges: list[Exchange] = field(default_factory=list)
    outputs: list[JsValue] = field(default_factory=list)
    stored: dict[str, JsValue] | None = None
    failure: Failure | None = None
    recorded_to: str | None = None
    replayed_from: str | None = None
    notes: list[str] = field(default_factory=list)

    def as_json(self, encoding: PositionEncoding = PositionEncoding.UTF16) -> dict[str, object]:
        """The answer of ``iml.runRequest`` (``{"result": …}``) and of ``iml-ls run --format json``."""
        mask = self.masker
        return {
            "result": {
                "file": self.analysis.path,
                "context": self.analysis.context.value,
                "stage": self.stage,
                "exchanges": [
                    {
                        "label": exchange.label,
                        "page": exchange.page,
                        "request": _request_json(exchange.sent if mask.reveal and exchange.sent else exchange.request),
                        "response": None if exchange.response is None else mask.response(exchange.response),
                        "steps": [
                            {
                                "directive": step.directive,
                                "value": mask.json(step.value),
                                "range": self._range(step.owner, step.start, step.end, encoding),
                                "file": self._elsewhere(step.owner),
                            }
                            for step in exchange.steps
                        ],
                    }
                    for exchange in self.exchanges
                ],
                "outputs": [mask.json(output) for output in self.outputs],
                "stored": None if self.stored is None else mask.json(self.stored),
                "failure": None
                if self.failure is None
                else {
                    "directive": self.failure.directive,
                    "errorType": self.failure.error_type,
                    "message": mask.text(self.failure.message),
                    "range": self._range(self.failure.owner, self.failure.start, self.failure.end, encoding),
                    "file": self._elsewhere(self.failure.owner),
                },
                "recordedTo": self.recorded_to,
                "replayedFrom": self.replayed_from,
                "notes": [mask.text(note) for note in self.notes],
            }
        }

    def _elsewhere(self, owner: Analysis | None) -> str | None:
        """The file a directive is written in when it is not this one (base's ``error``, say)."""
        return owner.path if owner is not None and owner.path != self.analysis.path else None

    def _range(self, owner: Analysis | None, start: int, end: int, encoding: PositionEncoding) -> object:
        """The directive's range in this file (None when base or no file decided: ``file`` names base)."""
        if owner is None or owner.path != self.analysis.path:
            return None
        first, last = owner.index.position(start, encoding), owner.index.position(end, encoding)
        return {
            "start": {"line": first.line, "character": first.character},
            "end": {"line": last.line, "character": last.character},
        }


Answer = Confirm | NeedsInput | RunResult


def _request_json(request: RequestPreview) -> dict[str, object]:
    return {
        "method": request.method,
        "url": request.url,
        "headers": [[name, value] for name, value in request.headers],
        "body": request.body,
    }


# --- Masking ----------------------------------------------------------------------------------


@dataclass
class Masker:
    """Masks every secret in what a run shows: the preview's secrets, the pasted code, and what the
    responses hold under secret names (``access_token``) or in secret headers (``set-cookie``)."""

    reveal: bool
    secrets: set[str] = field(default_factory=set)

    def learn(self, values: Iterable[str]) -> None:
        """Remember secret values (the masker leaves out those too short to mask)."""
        self.secrets.update(values)

    def learn_from(self, value: JsValue, secret: bool = False) -> None:
        """Remember the texts under secret-looking keys of a response body or a stored value."""
        if isinstance(value, str) and secret and len(value) >= LEARNED_SECRET_LENGTH:
            self.learn([value])
        elif isinstance(value, dict):
            for key, item in value.items():
                self.learn_from(item, secret or secret_looking(key))
        elif isinstance(value, list):
            for item in value:
                self.learn_from(item, secret)

    def text(self, text: str) -> str:
        """The text with every form of every secret masked (:mod:`iml_ls.evaluate.secrets`)."""
        return text if self.reveal else secret_masker(self.secrets).mask(text)

    def value(self, value: JsValue, secret: bool = False) -> JsValue:
        if self.reveal:
            return value
        if isinstance(value, str):
            return MASK if secret and value else self.text(value)
        if isinstance(value, dict):
            return {key: self.value(item, secret or secret_looking(key)) for key, item in value.items()}
        if isinstance(value, list):
            return [self.value(item, secret) for item in value]
        return value

    def json(self, value: JsValue) -> object:
        """A value as JSON (dates as ISO text, undefined left out), masked."""
        text = stringify(self.value(value))
        return None if text is None else json.loads(text)

    def headers(self, headers: Iterable[tuple[str, str]]) -> list[list[str]]:
        return [
            [name, MASK if not self.reveal and secret_looking(name) else self.text(value)] for name, value in headers
        ]

    def body(self, body: bytes) -> str:
        """A body as text: JSON indented with secret keys masked, other text masked, binary as its
        size; at most :data:`MAX_SHOWN_BODY` characters."""
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return f"<{len(body)} bytes>"
        try:
            parsed = json.loads(text)
        except (ValueError, RecursionError):
            shown = self.text(text)
        else:
            shown = self.text(stringify(self.value(parsed), 2) or text)
        if len(shown) > MAX_SHOWN_BODY:
            return shown[:MAX_SHOWN_BODY] + f"\n… ({len(shown) - MAX_SHOWN_BODY:,} more characters)"
        return shown

    def response(self, response: ReceivedResponse) -> dict[str, object]:
        return {
            "status": response.status,
            "headers": self.headers(response.headers),
            "body": self.body(response.body),
            "elapsedMs": round(response.elapsed_ms, 1),
        }


# --- The run ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Where:
    """Whose stored values the file reads and writes."""

    app_root: str | None
    name: str | None
    """The component's own name (a connection's, a webhook's)."""
    connection: str | None
    """The linked connection (a module's, an RPC's, a webhook's)."""
    webhook: str | None


def _where(workspace: Workspace, analysis: Analysis) -> _Where:
    app = workspace.app_of(analysis.path)
    place = analysis.place
    if app is None or place is None:
        return _Where(None, None, None, None)
    component = place.component
    linked = linked_connections(app, component)
    hook = component.name if component.kind is ComponentKind.WEBHOOK else component.webhook
    return _Where(app.root, component.name, linked[0].name if linked else None, hook)


class Run:
    """One run of one file."""

    def __init__(
        self,
        workspace: Workspace,
        analysis: Analysis,
        options: RunOptions,
        sender: Sender | None = None,
        analysis_thread: AnalysisThread = on_this_thread,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.workspace = workspace
        self.analysis = analysis
        self.options = options
        self.sender = sender or functools.partial(http.send, may_follow=options.confirmed_hosts.__contains__)
        """What sends (default: the network; redirects followed only to confirmed hosts)."""
        self.analysis_thread = analysis_thread
        self.clock = clock
        self.sleep = sleep
        """Waits ``repeat.delay`` (on the caller's thread, as the network waits)."""
        self.where = analysis_thread(lambda: _where(workspace, analysis))
        root = self.where.app_root
        self.store = read_store(root) if root is not None else Store()
        self.masker = Masker(options.reveal_secrets)
        if options.code:
            self.masker.learn([options.code])
        self.temp = TempState()
        self.stored_now: dict[str, JsValue] = {}
        self.sending = ("", 0)
        """The label and page of the request being sent (a replay answers by them)."""

    # What the file reads ------------------------------------------------------------------

    def _known(self) -> dict[str, dict[str, JsValue]]:
        where, store = self.where, self.store
        known: dict[str, dict[str, JsValue]] = {}
        if self.analysis.context in CONNECTIONS and where.name is not None:
            known["data"] = store.data_of("connection", where.name)
        if where.connection is not None:
            known["connection"] = store.data_of("connection", where.connection)
        if (
            where.webhook is not None
            and self.analysis.place is not None
            and self.analysis.place.role is not Role.ATTACH
        ):
            known["webhook"] = store.data_of("webhook", where.webhook)
        for values in known.values():
            self.masker.learn_from(values)
        return known

    def _builders(self) -> tuple[RequestBuilder, RequestBuilder]:
        """The masked builder (what is shown) and the revealed one (what is sent), over the same values."""
        now, known = self.clock(), self._known()
        secrets = tuple(self.masker.secrets)
        shown = request_builder(
            self.workspace, self.analysis, now=now, reveal_secrets=False, known=known, known_secrets=secrets
        )
        sent = request_builder(self.workspace, self.analysis, now=now, reveal_secrets=True, known=known)
        if shown.secrets is not None:
            self.masker.learn(value for value in shown.secrets.values if MASK not in value)
        return shown, sent

    def _requests(self) -> tuple[str | None, list[Request]]:
        """The stage run (OAuth) and the requests to send, in order (none in base or a webhook's own
        communication, which Make never sends by themselves)."""
        requests = request_targets(self.analysis)
        if self.analysis.context is Context.OAUTH:
            stage = self.options.stage
            if stage is None and self.options.at is not None:
                stage = next((r.stage for r in requests if r.node.start <= self.options.at <= r.node.end), None)
            stage = stage or "token"
            chain = OAUTH_CHAINS.get(stage, (stage,))
            return stage, [request for name in chain for request in requests if request.stage == name]
        if self.options.at is not None:
            last = next(
                (index for index, r in enumerate(requests) if r.node.start <= self.options.at <= r.node.end), None
            )
            if last is not None:
                return None, requests[: last + 1]
        return None, list(requests)

    # The run ------------------------------------------------------------------------------

    def run(self) -> Answer:
        stage, requests = self.analysis_thread(self._requests)
        result = RunResult(self.analysis, stage, self.masker)
        if not requests:
            result.notes.append("This file has no request to send" + (f" in the `{stage}` stage." if stage else "."))
            return result
        if self.options.replay:
            recording = self.analysis.related.recording
            if recording is None:
                where = recording_path(self.analysis.path)
                result.failure = Failure("replay", "RuntimeError", f"There is no recording to replay: {where}.")
                return result
            self.sender = functools.partial(self._replay, recording)
            result.replayed_from = recording.path
        else:
            asked = self.analysis_thread(lambda: self._confirmation(requests))
            if asked is not None:
                return asked
            if stage == "token" and not self.options.code and any(r.stage == "token" for r in requests):
                return NeedsInput("code", CODE_PROMPT, self.analysis_thread(self._authorize_url))
        if stage == "token":
            self.analysis_thread(lambda: self._callback(result))
        elif stage in BROWSER_STAGES:
            self.analysis_thread(lambda: self._browser_stage(result, requests))
            return result
        count = len(self.analysis.requests)
        try:
            for request in requests:
                index = self.analysis.request_index(request) or 0
                if not self._send_pages(result, request, index, count):
                    break
                if request.stage is not None:
                    self._keep(result)  # the next stage reads it as data.*
        except _Unconfirmed as unconfirmed:
            return unconfirmed.confirm
        self._keep(result)
        if self.options.record and not self.options.replay:
            self._record(result)
        return result

    def _replay(self, recording: Recording, request: SentRequest) -> ReceivedResponse:
        """The recorded response of the request being sent: the one with its label and page."""
        label, page = self.sending
        wanted = (recorded_label(label, page), page)
        recorded = next((e for e in recording.exchanges if (recorded_label(e.label, e.page), e.page) == wanted), None)
        if recorded is None:
            raise SendError(f"The recording has no response for {label}.")
        return ReceivedResponse(recorded.status, recorded.headers, recorded.body, request.url, 0.0)

    def _record(self, result: RunResult) -> None:
        """Save the responses beside the file: the requests as shown (masked), the responses as received."""
        root, masked = self.where.app_root, Masker(False, self.masker.secrets)
        exchanges = [
            RecordedExchange(
                recorded_label(exchange.label, exchange.page),
                exchange.page,
                exchange.request.method,
                masked.text(exchange.request.url or ""),
                response.status,
                tuple((name, value) for name, value in masked.headers(response.headers)),
                response.body,
            )
            for exchange in result.exchanges
            if (response := exchange.response) is not None
        ]
        if root is None or not exchanges:
            result.notes.append("Not recorded: " + ("no response came back." if root else "the file is in no app."))
            return
        path = recording_path(self.analysis.path)
        try:
            self.analysis_thread(lambda: write_recording(root, path, exchanges, self.clock()))
        except (ValueError, OSError) as error:
            result.notes.append(f"Not recorded: {error}")
            return
        result.recorded_to = path

    def _confirmation(self, requests: list[Request]) -> Confirm | None:
        """The first host of the run the user has not confirmed, with the secrets the run sends there
        (from the requests as the preview builds them)."""
        shown, _ = self._builders()
        count = len(self.analysis.requests)
        hosts: dict[str, set[str]] = {}
        for request in requests:
            if request.stage in BROWSER_STAGES:
                continue
            index = self.analysis.request_index(request) or 0
            preview = shown.request(request, index, count, page_variables(1) if self._paginated else None)
            if preview.url is not None:
                hosts.setdefault(host_of(preview.url), set()).update(preview.secrets_sent)
        for host, secrets in hosts.items():
            if host not in self.options.confirmed_hosts:
                return Confirm(host, tuple(sorted(secrets)))
        return None

    @property
    def _paginated(self) -> bool:
        return self.analysis.context not in CONNECTIONS | {Context.WEBHOOK_REQUEST}

    def _browser_requests(self, stage: str) -> Iterator[tuple[Request, RequestPreview, RequestBuilder]]:
        """A stage the browser opens: each request as shown, and the builder that evaluates its directives."""
        shown, sent = self._builders()
        count = len(self.analysis.requests)
        for index, request in enumerate(self.analysis.requests):
            if request.stage == stage:
                yield request, shown.finished(shown.request(request, index, count, None)), sent

    def _authorize_url(self) -> str | None:
        """The ``authorize`` stage's URL, to open in a browser."""
        return next((preview.url for _, preview, _ in self._browser_requests("authorize")), None)

    def _callback(self, result: RunResult) -> None:
        """What Make does when the browser comes back with the code: ``authorize``'s ``response.temp``
        with ``query.code``, so that ``token`` reads ``temp.code``."""
        for request, preview, sent in self._browser_requests("authorize"):
            exchange = Exchange(preview.label, 1, preview, None)
            query: dict[str, JsValue] = {"code": self.options.code or ""}
            self.temp = self._pipeline(sent, request, None).response_temp(self.temp, {"query": query}, exchange.steps)
            result.exchanges.append(exchange)
            result.notes.append("The `authorize` stage ran in your browser; its `response.temp` read `query.code`.")

    def _browser_stage(self, result: RunResult, requests: list[Request]) -> None:
        stage = requests[0].stage or ""
        result.exchanges += [
            Exchange(preview.label, 1, preview, None) for _, preview, _ in self._browser_requests(stage)
        ]
        result.notes.append(
            f"The `{stage}` stage is opened by the user's browser, not sent: open its URL, then run "
            "the `token` stage with the code the service returns."
        )

    def _pipeline(self, builder: RequestBuilder, request: Request, page: dict[str, JsValue] | None) -> Pipeline:
        sources = [(self.analysis, request.node.get("response"))]
        base = builder.around.base
        if base is not None and isinstance(base.root, JsonObject):
            sources.append((base, base.root.get("response")))

        def own_or_base(name: str) -> tuple[Analysis, JsonObject] | None:
            own = request.node.get(name)
            inherited = base.root.get(name) if base is not None and isinstance(base.root, JsonObject) else None
            if isinstance(own, JsonObject):
                return self.analysis, own
            return (base, inherited) if base is not None and isinstance(inherited, JsonObject) else None

        directives = Directives(
            tuple((owner, node) for owner, node in sources if isinstance(node, JsonObject)),
            own_or_base("pagination") if self._paginated else None,
            own_or_base("repeat"),
        )
        return Pipeline(self.analysis.context, directives, Evaluating(builder.evaluation(page)))

    def _send_pages(self, result: RunResult, request: Request, index: int, count: int) -> bool:
        """Send a request and the pages after it that were asked for, again while its ``repeat`` asks;
        False when the run must stop."""
        started = time.monotonic()
        for repetition in range(1, MAX_REPEATS + 1):
            result.outputs.clear()  # a component's bundles are its last request's (its last repetition's)
            sent = self._send_repetition(result, request, (index, count), repetition, started)
            if not isinstance(sent, _Sent):
                return sent
            delay = self.analysis_thread(functools.partial(self._repeat_delay, result, sent, repetition, started))
            if isinstance(delay, Failure):
                result.failure = delay
                return False
            if delay is None:
                return True
            self.sleep(delay)
        return True

    def _repeat_delay(self, result: RunResult, sent: _Sent, repetition: int, started: float) -> float | Failure | None:
        """The seconds to wait before ``repeat`` sends the request again, or None when it does not:
        its condition is false, its ``limit`` (at most 1,000) is reached, or another wait and send
        would pass the request's ``timeout`` (Make's 40 s by default), which all repetitions share."""
        repeat = sent.pipeline.repeat()
        if repeat is None or isinstance(repeat, Failure):
            return repeat
        note = (
            f"`repeat.condition` reads {', '.join(f'`{name}`' for name in repeat.reads_response)}, which it "
            "cannot see (Make gives it `temp`, not the response): copy the value into `temp` with `response.temp`."
        )
        if repeat.reads_response and note not in result.notes:
            result.notes.append(note)
        holds = sent.pipeline.repeat_holds(repeat, self.temp, sent.exchange.steps)
        if isinstance(holds, Failure):
            return holds
        if not holds:
            return None
        if repetition >= repeat.limit:
            most = f"its `limit` ({repeat.limit})" if repeat.limit < MAX_REPEATS else "Make's most (1,000)"
            result.notes.append(f"`repeat` stopped after {repetition:,} requests, {most}: its condition still holds.")
            return None
        if time.monotonic() - started + repeat.delay >= sent.timeout:
            result.notes.append(
                f"`repeat` stopped after {repetition:,} requests: waiting {repeat.delay:g} s more would pass the "
                f"request's timeout ({sent.timeout:g} s), which Make's repetitions share."
            )
            return None
        return repeat.delay

    def _send_repetition(
        self, result: RunResult, request: Request, at: tuple[int, int], repetition: int, started: float
    ) -> _Sent | bool:
        """Send a request (one repetition of it) and the pages after it that were asked for: what the
        last page gave, or whether the run goes on when nothing came back (skipped, failed)."""
        index, count = at
        previous: dict[str, JsValue] | None = None
        wanted = max(1, min(self.options.pages, MAX_PAGES))
        total = 0
        for number in range(1, wanted + 1):
            page = page_variables(number) if self._paginated else None
            built = self.analysis_thread(functools.partial(self._build, request, index, count, page, previous))
            if isinstance(built, Failure):
                result.failure = built
                return False
            shown, sent, pipeline, made_up = built
            unreadable = pipeline.repeat()  # a `repeat` Make refuses stops the run before anything is sent
            if isinstance(unreadable, Failure):
                result.failure = unreadable
                return False
            self.temp = TempState({**self.temp.values, **dict(sent.temp)})  # the request's own `temp` stays
            label = recorded_label(shown.label, number) + (f", repetition {repetition}" if repetition > 1 else "")
            label += f", page {number}" if number > 1 else ""
            exchange = Exchange(label, number, shown, None, sent=sent)
            result.exchanges.append(exchange)
            if shown.skipped:
                result.notes.append(f"{label}: {shown.skipped} Not sent.")
                return True
            note = f"Sent with made-up values: {', '.join(made_up)} (give real ones in a samples file)."
            if made_up and note not in result.notes:
                result.notes.append(note)
            wire = None if sent.url is None else _wire(sent)
            timeout = DEFAULT_TIMEOUT if wire is None else wire.options.timeout
            if wire is None:  # request-less: nothing is sent, no question asked
                page_result = self.analysis_thread(functools.partial(pipeline.run_without_request, self.temp))
            else:
                host = host_of(wire.url)
                if not self.options.replay and host not in self.options.confirmed_hosts:  # named by a response
                    raise _Unconfirmed(Confirm(host, shown.secrets_sent))
                if repetition > 1:  # the repetitions share the request's timeout
                    left = max(timeout - (time.monotonic() - started), 0.001)
                    wire = replace(wire, options=replace(wire.options, timeout=left))
                try:
                    self.sending = (label, number)
                    response = self.sender(wire)
                except SendError as error:
                    url = request.node.get("url")
                    where = (self.analysis, url.start, url.end) if url is not None else (None, 0, 0)
                    result.failure = Failure("url", "ConnectionError", str(error), *where)
                    return False
                exchange.response = response
                location = response.header("location")
                if 300 <= response.status < 400 and location:
                    target = host_of(urllib.parse.urljoin(response.url, location))
                    result.notes.append(f"{label}: the redirect to {target} was not followed.")
                page_result = self.analysis_thread(functools.partial(pipeline.run, response, self.temp))
            self._take(result, exchange, page_result)
            if page_result.failure is not None:
                result.failure = page_result.failure
                return False
            done = _Sent(exchange, pipeline, timeout)
            total += len(page_result.outputs)
            if page_result.limit is not None and total >= page_result.limit:
                result.outputs = result.outputs[: len(result.outputs) - (total - page_result.limit)]
                if page_result.more_pages:
                    result.notes.append(f"`limit` ({page_result.limit}) reached: no more pages.")
                return done
            answered = exchange.response
            if not page_result.more_pages or answered is None:
                return done
            if number == wanted:
                result.notes.append(f"`pagination` asks for page {number + 1}: ask for more pages to follow it.")
                return done
            headers = header_variables(answered.headers)
            previous = {"body": page_result.body, "headers": headers, "statusCode": answered.status}
        return True

    def _build(
        self,
        request: Request,
        index: int,
        count: int,
        page: dict[str, JsValue] | None,
        previous: dict[str, JsValue] | None,
    ) -> tuple[RequestPreview, RequestPreview, Pipeline, list[str]] | Failure:
        """A request as shown and as sent (one builder's code, masked and not), and its pipeline; or
        the failure of an expression Make would fail on."""
        shown_builder, sent_builder = self._builders()
        shown = shown_builder.finished(shown_builder.request(request, index, count, page, self.temp, previous))
        sent = sent_builder.finished(sent_builder.request(request, index, count, page, self.temp, previous))
        if shown_builder.result.errors:
            path, start, end, message = shown_builder.result.errors[0]
            owner = self.analysis if path == self.analysis.path else None
            return Failure("request", "RuntimeError", f"{shown.label}: {message}", owner, start, end)
        made_up = sorted(placeholder_label(placeholder) for placeholder in shown_builder.used)
        return shown, sent, self._pipeline(sent_builder, request, page), made_up

    def _take(self, result: RunResult, exchange: Exchange, page: PageResult) -> None:
        """What one page gave: the steps, the output bundles, ``temp``, what is stored."""
        exchange.steps = page.steps
        self.masker.learn_from(page.body)
        if exchange.response is not None:
            self.masker.learn(value for name, value in exchange.response.headers if secret_looking(name))
        result.outputs.extend(page.outputs)
        self.temp = page.temp
        for key, value in page.stored.items():
            self.masker.learn_from({key: value})
            if key == "data" and isinstance(value, dict) and isinstance(self.stored_now.get("data"), dict):
                earlier = self.stored_now["data"]
                assert isinstance(earlier, dict)
                self.stored_now["data"] = earlier | value
            else:
                self.stored_now[key] = value

    def _keep(self, result: RunResult) -> None:
        """Store what the stage or attach stored, for later runs (detach forgets the attach's)."""
        where = self.where
        role = self.analysis.place.role if self.analysis.place is not None else None
        if self.stored_now:
            result.stored = dict(result.stored or {}) | self.stored_now
        if where.app_root is None or result.failure is not None or self.options.replay:
            return
        kind, name = None, None
        if self.analysis.context in CONNECTIONS:
            kind, name = "connection", where.name
        elif role is Role.ATTACH or (role is Role.DETACH and where.webhook):
            kind, name = "webhook", where.webhook
        if kind is None or name is None:
            return
        if role is Role.DETACH:
            self.store.forget(kind, name)
        elif self.stored_now:
            self.store.keep(kind, name, self.stored_now)
        else:
            return
        self.stored_now = {}
        root = where.app_root
        try:
            self.analysis_thread(lambda: write_store(root, self.store))
        except (StoreError, OSError) as error:
            result.notes.append(f"Not stored: {error}")
            return
        note = f"Stored for later runs in {Path(store_path(root)).relative_to(root)} (git-ignored)."
        if note not in result.notes:
            result.notes.append(note)


@dataclass(frozen=True)
class _Sent:
    """The last page of a request that was sent (or ran without ``url``): where ``repeat`` decides."""

    exchange: Exchange
    pipeline: Pipeline
    timeout: float
    """The request's ``timeout`` in seconds, which its repetitions share."""


class _Unconfirmed(Exception):
    """A request goes to a host the run could not know before a response named it."""

    def __init__(self, confirm: Confirm) -> None:
        self.confirm = confirm


def _written_at(shown: dict[str, Any], form: str) -> str:
    """Where a step or the failure is written: its line in this file, or the other file (base)."""
    if shown["range"] is not None:
        return form.format(f"line {shown['range']['start']['line'] + 1}")
    return form.format(f"in {Path(shown['file']).name}") if shown["file"] else ""


def recorded_label(label: str, page: int) -> str:
    """A request's label as a recording keeps it: without the page, which the recording keeps apart
    (``request, page 2`` is ``request`` on page 2)."""
    return label.removesuffix(f", page {page}")


def _wire(request: RequestPreview) -> SentRequest:
    """The request as it goes over the wire, with its send options."""
    assert request.url is not None
    options = dict(request.options)
    timeout = options.get("timeout", UNDEFINED)
    seconds = coerce.to_number(timeout) / 1000 if timeout is not UNDEFINED else DEFAULT_TIMEOUT
    if math.isnan(seconds) or seconds <= 0:
        seconds = DEFAULT_TIMEOUT
    ca = options.get("ca", UNDEFINED)
    send_options = SendOptions(
        timeout=min(seconds, MAX_TIMEOUT),
        follow_redirects=options.get("followRedirects", True) is not False,
        follow_all_redirects=options.get("followAllRedirects", False) is True,
        gzip=options.get("gzip", False) is True,
        ca=ca if isinstance(ca, str) and ca else None,
    )
    body = request.body.encode("utf-8") if request.body is not None else None
    return SentRequest(request.method, request.url, request.headers, body, send_options)


def render_run_text(answer: dict[str, object]) -> str:
    """The human form of a run's JSON answer (so that both say the same, masked alike)."""
    result = answer["result"]
    assert isinstance(result, dict)
    lines = [f"Run of {Path(str(result['file'])).name} ({result['context']})"]
    if result["stage"]:
        lines[0] += f", `{result['stage']}` stage"
    for exchange in result["exchanges"]:
        lines += ["", f"── {exchange['label']} ──"]
        request = exchange["request"]
        if request["url"] is not None:
            lines.append(f"{request['method']} {request['url']}")
            lines += [f"{name}: {value}" for name, value in request["headers"]]
            if request["body"] is not None:
                lines += ["", *request["body"].rstrip("\r\n").splitlines()]
        response = exchange["response"]
        if response is not None:
            lines += ["", f"→ {response['status']} ({response['elapsedMs']} ms)"]
            lines += [f"{name}: {value}" for name, value in response["headers"]]
            if response["body"]:
                lines += ["", *response["body"].splitlines()]
        for step in exchange["steps"]:
            lines.append(f"{step['directive']}: {_compact(step['value'])}{_written_at(step, '  ({})')}")
    outputs = result["outputs"]
    assert isinstance(outputs, list)
    if result["context"] not in (Context.CONNECTION.value, Context.OAUTH.value, Context.WEBHOOK_REQUEST.value):
        lines += ["", f"Output bundles ({len(outputs)}):" if outputs else "Output bundles: none"]
        lines += [f"  {number}. {_compact(output)}" for number, output in enumerate(outputs, start=1)]
    if result["stored"] is not None:
        lines += ["", f"Stored: {_compact(result['stored'])}"]
    failure = result["failure"]
    if isinstance(failure, dict):
        where = _written_at(failure, " ({})")
        lines += ["", f"Failed at `{failure['directive']}`{where}: {failure['errorType']}: {failure['message']}"]
    notes = result["notes"]
    assert isinstance(notes, list)
    if notes:
        lines += ["", *notes]
    return "\n".join(lines) + "\n"


def _compact(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
