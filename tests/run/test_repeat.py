"""``repeat``: a run sends a request again while its condition holds, as Make does, against a real
HTTP server on 127.0.0.1 (through the library, the recordings and the CLI)."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import urllib.parse
from pathlib import Path

import pytest

from iml_ls.analysis import Workspace
from iml_ls.evaluate.recorded import recorded_response
from iml_ls.run import http
from iml_ls.run.exchange import ReceivedResponse, SentRequest
from iml_ls.run.pipeline import MAX_REPEATS, Directives, Evaluating, Pipeline, Repeat
from iml_ls.run.session import Confirm, Run, RunOptions, RunResult, render_run_text
from iml_ls.syntax.json_tree import JsonObject
from tests.app_files import write_files
from tests.doc_pages import page
from tests.run.apps import connected_app
from tests.run.fake_api import Answer, FakeApi, Received
from tests.run.helpers import host, result_of, run

ACTION = "modules/create-contact/create-contact.communication.iml.json"
_ELAPSED = re.compile(r"\(\d+(\.\d+)? ms\)")


def poll(repeat: dict[str, object], status_temp: str = "{{body.status}}") -> list[dict[str, object]]:
    """Make's documented use of ``repeat``: start a job, poll its status, fetch its result."""
    return [
        {
            "url": "/jobs",
            "method": "POST",
            "body": {"document": "abc123"},
            "response": {"temp": {"jobId": "{{body.id}}"}, "output": None},
        },
        {
            "url": "/jobs/{{temp.jobId}}",
            "response": {"temp": {"status": status_temp, "polls": "{{ifempty(temp.polls, 0) + 1}}"}, "output": None},
            "repeat": repeat,
        },
        {
            "condition": "{{temp.status == 'done'}}",
            "url": "/jobs/{{temp.jobId}}/result",
            "response": {"output": {"pages": "{{body.pages}}", "polls": "{{temp.polls}}"}},
        },
    ]


def job_server(api: FakeApi, statuses: list[str]) -> None:
    """A job that answers each status poll with the next of ``statuses`` (the last one from then on)."""
    api.answer("POST", "/v2/jobs", Answer.of_json({"id": "j7"}))
    left = list(statuses)

    def status(_request: Received) -> Answer:
        return Answer.of_json({"status": left.pop(0) if len(left) > 1 else left[0]})

    api.answer("GET", "/v2/jobs/j7", status)
    api.answer("GET", "/v2/jobs/j7/result", Answer.of_json({"pages": 12}))


@pytest.fixture
def app(tmp_path: Path, api: FakeApi) -> Path:
    return connected_app(tmp_path / "app", api.url)


def run_waiting(app: Path, api: FakeApi, file: str = ACTION, **options: object) -> tuple[RunResult, list[float]]:
    """Run ``file`` (the server's host confirmed), keeping the waits ``repeat`` asked for."""
    waits: list[float] = []
    workspace = Workspace()
    analysis = workspace.analysis(str(app / file))
    assert analysis is not None
    run_options = RunOptions(confirmed_hosts=frozenset({host(api)}), **options)  # type: ignore[arg-type]
    answer = Run(workspace, analysis, run_options, sleep=waits.append).run()
    assert isinstance(answer, RunResult), answer
    return answer, waits


def test_a_job_is_polled_until_it_is_done_then_its_result_fetched(app: Path, api: FakeApi) -> None:
    write_files(app, {ACTION: poll({"condition": "{{temp.status == 'processing'}}", "delay": 250, "limit": 10})})
    job_server(api, ["processing", "processing", "done"])
    answer, waits = run_waiting(app, api)
    shown = answer.as_json()["result"]
    assert [(r.method, r.path) for r in api.received] == [
        ("POST", "/v2/jobs"),
        ("GET", "/v2/jobs/j7"),
        ("GET", "/v2/jobs/j7"),
        ("GET", "/v2/jobs/j7"),
        ("GET", "/v2/jobs/j7/result"),
    ]
    assert waits == [0.25, 0.25]  # between two sends, not after the last
    exchanges = shown["exchanges"]
    assert [e["label"] for e in exchanges] == [
        "request 1 of 3",
        "request 2 of 3",
        "request 2 of 3, repetition 2",
        "request 2 of 3, repetition 3",
        "request 3 of 3",
    ]
    repeat_steps = [[s["value"] for s in e["steps"] if s["directive"] == "repeat"] for e in exchanges]
    assert repeat_steps == [[], [True], [True], [False], []]
    line = next(s for s in exchanges[1]["steps"] if s["directive"] == "repeat")["range"]["start"]["line"]
    assert (app / ACTION).read_text().splitlines()[line].strip().startswith('"condition": "{{temp.status')
    assert shown["outputs"] == [{"pages": 12, "polls": 3}]  # temp carried from repetition to repetition
    assert shown["failure"] is None


def test_the_bundles_of_a_repeated_request_are_its_last_repetitions(app: Path, api: FakeApi) -> None:
    module = {
        "url": "/jobs/j7",
        "response": {"temp": {"status": "{{body.status}}"}, "output": {"status": "{{body.status}}"}},
        "repeat": {"condition": "{{temp.status != 'done'}}", "delay": 1, "limit": 5},
    }
    write_files(app, {ACTION: module})
    job_server(api, ["queued", "processing", "done"])
    answer, _ = run_waiting(app, api)
    assert answer.as_json()["result"]["outputs"] == [{"status": "done"}]
    assert len(api.received) == 3


def test_repeat_stops_at_its_limit_and_says_so(app: Path, api: FakeApi) -> None:
    write_files(app, {ACTION: poll({"condition": "{{temp.status == 'processing'}}", "delay": 1, "limit": 3})})
    job_server(api, ["processing"])
    answer, waits = run_waiting(app, api)
    shown = answer.as_json()["result"]
    assert [r.path for r in api.received].count("/v2/jobs/j7") == 3
    assert waits == [0.001, 0.001]
    assert "`repeat` stopped after 3 requests, its `limit` (3): its condition still holds." in shown["notes"]
    skipped = "request 3 of 3: Make skips this request: its `condition` is false with these values. Not sent."
    assert skipped in shown["notes"]
    assert shown["outputs"] == []


def test_a_condition_that_reads_the_body_sees_nothing_there(app: Path, api: FakeApi) -> None:
    """Make's documentation: the condition sees ``temp``, not ``body``; a run says so."""
    write_files(app, {ACTION: poll({"condition": "{{body.status == 'processing'}}", "delay": 1, "limit": 5})})
    job_server(api, ["processing", "done"])
    answer, waits = run_waiting(app, api)
    shown = answer.as_json()["result"]
    assert [r.path for r in api.received].count("/v2/jobs/j7") == 1
    assert waits == []
    assert any(note.startswith("`repeat.condition` reads `body`, which it cannot see") for note in shown["notes"])


def test_the_repetitions_share_the_requests_timeout(app: Path, api: FakeApi) -> None:
    """A wait that would pass the request's ``timeout`` is not waited: the run ends."""
    module = poll({"condition": "{{temp.status == 'processing'}}", "delay": 5000, "limit": 10})
    module[1]["timeout"] = 2000
    write_files(app, {ACTION: module})
    job_server(api, ["processing"])
    answer, waits = run_waiting(app, api)
    shown = answer.as_json()["result"]
    assert waits == []
    assert [r.path for r in api.received].count("/v2/jobs/j7") == 1
    assert any("would pass the request's timeout (2 s)" in note for note in shown["notes"])


def test_without_a_limit_make_stops_at_a_thousand(app: Path) -> None:
    """Make's runtime never repeats more than 1,000 times: an unlimited or larger ``limit`` is capped."""
    for given, expected in ((None, MAX_REPEATS), (5000, MAX_REPEATS), (0, 1), (7, 7)):
        repeat = repeat_of(app, {"condition": "{{true}}"} | ({} if given is None else {"limit": given}))
        assert isinstance(repeat, Repeat)
        assert repeat.limit == expected
    assert MAX_REPEATS == 1000


def test_a_run_that_loops_forever_stops_at_a_thousand_requests(app: Path, api: FakeApi) -> None:
    write_files(app, {ACTION: {"url": "/jobs/j7", "repeat": {"condition": "{{true}}"}}})
    job_server(api, ["processing"])
    shown = result_of(app, ACTION, api)
    assert len(api.received) == MAX_REPEATS
    assert "`repeat` stopped after 1,000 requests, Make's most (1,000): its condition still holds." in shown["notes"]
    assert len(shown["exchanges"]) == MAX_REPEATS


def test_delay_and_limit_must_be_written_as_numbers(app: Path, api: FakeApi) -> None:
    """Make does not evaluate ``{{…}}`` in ``delay`` or ``limit``: the run fails there, before the
    request is sent."""
    write_files(app, {ACTION: poll({"condition": "{{temp.status == 'processing'}}", "delay": "{{1000}}"})})
    job_server(api, ["processing"])
    shown = result_of(app, ACTION, api)
    assert shown["failure"]["directive"] == "repeat"
    assert "`repeat.delay` must be a number written in the file" in shown["failure"]["message"]
    assert shown["failure"]["range"]["start"]["line"] > 0
    assert [r.path for r in api.received] == ["/v2/jobs"]


def test_a_repeated_request_to_a_confirmed_host_asks_nothing_more(app: Path, api: FakeApi) -> None:
    write_files(app, {ACTION: poll({"condition": "{{temp.status == 'processing'}}", "delay": 1, "limit": 10})})
    job_server(api, ["processing", "done"])
    asked = run(app, ACTION)
    assert isinstance(asked, Confirm)
    assert asked.host == host(api)
    assert api.received == []
    shown = result_of(app, ACTION, api)  # confirmed once: every repetition goes
    assert [r.path for r in api.received].count("/v2/jobs/j7") == 2
    assert shown["outputs"] == [{"pages": 12, "polls": 2}]


def test_a_recorded_repeat_replays_each_repetition(app: Path, api: FakeApi) -> None:
    write_files(app, {ACTION: poll({"condition": "{{temp.status == 'processing'}}", "delay": 1, "limit": 10})})
    job_server(api, ["processing", "processing", "done"])
    live = result_of(app, ACTION, api, record=True)
    saved = json.loads((app / "modules/create-contact/create-contact.communication.response.json").read_text())
    assert [e["label"] for e in saved["exchanges"]][1:4] == [
        "request 2 of 3",
        "request 2 of 3, repetition 2",
        "request 2 of 3, repetition 3",
    ]
    sent = len(api.received)
    replayed = run(app, ACTION, replay=True)
    assert isinstance(replayed, RunResult)
    shown = replayed.as_json()["result"]
    assert len(api.received) == sent
    assert [e["label"] for e in shown["exchanges"]] == [e["label"] for e in live["exchanges"]]
    assert shown["outputs"] == live["outputs"] == [{"pages": 12, "polls": 3}]


def test_the_cli_runs_every_repetition(app: Path, api: FakeApi) -> None:
    write_files(app, {ACTION: poll({"condition": "{{temp.status == 'processing'}}", "delay": 1, "limit": 10})})
    job_server(api, ["processing", "done"])
    done = subprocess.run(
        [sys.executable, "-m", "iml_ls", "run", str(app / ACTION), "--yes"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "── request 2 of 3, repetition 2 ──" in done.stdout
    assert done.stdout.count("repeat: ") == 2  # true after the first poll, false after the second
    assert 'Output bundles (1):\n  1. {"pages":12,"polls":2}' in done.stdout
    assert [r.path for r in api.received].count("/v2/jobs/j7") == 2


def repeat_of(app: Path, repeat: dict[str, object]) -> object:
    """The :class:`Repeat` a pipeline reads from an action's ``repeat``."""
    write_files(app, {ACTION: {"url": "/x", "repeat": repeat}})
    workspace = Workspace()
    analysis = workspace.analysis(str(app / ACTION))
    assert analysis is not None and isinstance(analysis.root, JsonObject)
    node = analysis.root.get("repeat")
    assert isinstance(node, JsonObject)
    evaluating = Evaluating(None)  # type: ignore[arg-type]  # reading `repeat` evaluates nothing
    return Pipeline(analysis.context, Directives((), repeat=(analysis, node)), evaluating).repeat()


def test_the_example_on_the_page_is_what_a_run_prints(app: Path, api: FakeApi) -> None:
    section = page("features/run.md").split("\n## Repeat\n", 1)[1].split("\n## ", 1)[0]
    [communication] = re.findall(r"^```json\n(.*?)^```$", section, re.S | re.M)
    [printed] = re.findall(r"^```text\n(.*?)^```$", section, re.S | re.M)
    assert '"delay": 1000' in communication
    (app / ACTION).write_text(communication.replace('"delay": 1000', '"delay": 1'))  # no need to wait a second
    job_server(api, ["processing", "done"])
    answer = run(app, ACTION, api)
    shown = render_run_text(answer.as_json())  # type: ignore[union-attr]
    assert _ELAPSED.sub("(… ms)", shown.replace(host(api), "127.0.0.1:8765")) == _ELAPSED.sub("(… ms)", printed)


def test_a_recorded_repeat_still_answers_each_request_of_the_file(app: Path, api: FakeApi) -> None:
    """The repetitions' labels (``request 2 of 3, repetition 2``) do not hide the recorded responses
    from the checks and hovers of the file, which find each request's by its label."""
    write_files(app, {ACTION: poll({"condition": "{{temp.status == 'processing'}}", "delay": 1, "limit": 10})})
    job_server(api, ["processing", "done"])
    result_of(app, ACTION, api, record=True)
    analysis = Workspace().analysis(str(app / ACTION))
    assert analysis is not None
    recorded = [recorded_response(analysis, request) for request in analysis.requests]
    assert [r.exchange.label if r else None for r in recorded] == ["request 1 of 3", "request 2 of 3", "request 3 of 3"]
    assert [r.body if r else None for r in recorded] == [{"id": "j7"}, {"status": "processing"}, {"pages": 12}]


def test_a_repeated_send_may_only_take_what_is_left_of_the_timeout(app: Path, api: FakeApi) -> None:
    module = poll({"condition": "{{temp.status == 'processing'}}", "delay": 1, "limit": 3})
    module[1]["timeout"] = 20000
    write_files(app, {ACTION: module})
    job_server(api, ["processing"])
    timeouts: dict[str, list[float]] = {}

    def sender(request: SentRequest) -> ReceivedResponse:
        timeouts.setdefault(urllib.parse.urlsplit(request.url).path, []).append(request.options.timeout)
        return http.send(request)

    workspace = Workspace()
    analysis = workspace.analysis(str(app / ACTION))
    assert analysis is not None
    options = RunOptions(confirmed_hosts=frozenset({host(api)}))
    assert isinstance(Run(workspace, analysis, options, sender=sender, sleep=lambda _: None).run(), RunResult)
    first, second, third = timeouts["/v2/jobs/j7"]
    assert first == 20.0
    assert 0 < third < second < first
    assert timeouts["/v2/jobs"] == [40.0]  # Make's default for a request that says none
