"""The recorded response in the analysis: hover shows `body.…` and `item.…` values, completion offers
the recorded keys, and IML208 warns where a mapping reads a key the recording does not have, and
only there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from iml_ls.analysis import Analysis, Workspace
from iml_ls.checks import diagnostics
from iml_ls.features.completion import complete
from iml_ls.features.hover import hover

from ..app_files import write_files

MODULE = "modules/list/list.communication.iml.json"
RECORDING = "modules/list/list.communication.response.json"
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXZhbHVl"
CONTACTS = {
    "contacts": [
        {"id": 7, "name": "Zoë `Martin`", "createdAt": "2026-11-30T09:12:00Z", "address": None, "ref": TOKEN},
        {"id": 8, "name": "Ann", "phone": "+44 20", "address": {"city": "Leeds"}, "api_key": "k-123456789"},
    ],
    "meta": {"has_more": False, "next": None},
    "total": 2,
}


def exchange(json_body: object = CONTACTS, status: int = 200, **changes: object) -> dict[str, object]:
    response = {"status": status, "headers": [["Content-Type", "application/json"], ["X-Total", "2"]]}
    return {"label": "request", "page": 1, "response": response | {"json": json_body} | changes}


def module(response: dict[str, object], **request: object) -> dict[str, object]:
    return {"url": "https://api.example.com/contacts", **request, "response": response}


def analyse(root: Path, communication: object, *exchanges: dict[str, object] | str) -> Analysis:
    """The module's analysis, with a recording of ``exchanges`` beside it (a text: written as it is)."""
    manifest = {"fileVersion": 1, "components": {"module": {"list": {"moduleType": "search"}}}}
    files: dict[str, object] = {"makecomapp.json": manifest, MODULE: communication}
    if exchanges:
        text = exchanges[0]
        files[RECORDING] = (
            text if isinstance(text, str) else {"recorded": "2026-12-01T15:20:00Z", "exchanges": exchanges}
        )
    write_files(root, files)
    analysis = Workspace().analysis(str(root / MODULE))
    assert analysis is not None
    return analysis


def warnings(analysis: Analysis) -> list[str]:
    return [d.message for d in diagnostics(analysis) if d.rule.code == "IML208"]


def hover_text(analysis: Analysis, needle: str) -> str:
    found = hover(analysis, analysis.text.index(needle) + len(needle) - 1)
    return found.markdown if found is not None else ""


def completion_of(analysis: Analysis, needle: str) -> dict[str, str]:
    """Labels → details offered right after ``needle`` (a text ending in a dot)."""
    return {item.label: item.detail for item in complete(analysis, analysis.text.index(needle) + len(needle))}


SEARCH = module({"iterate": "{{body.contacts}}", "output": {"id": "{{item.id}}", "created": "{{item.created_at}}"}})


def test_a_mapped_key_the_recorded_items_lack_is_reported_with_the_key_they_have(tmp_path: Path) -> None:
    [message] = warnings(analyse(tmp_path, SEARCH, exchange()))
    assert "no recorded item has `created_at`" in message
    assert "`id`, `name`, `createdAt`" in message and "Did you mean `createdAt`?" in message


def test_the_same_module_without_a_recording_or_with_the_right_key_is_clean(tmp_path: Path) -> None:
    assert warnings(analyse(tmp_path / "none", SEARCH)) == []
    right = json.loads(json.dumps(SEARCH).replace("created_at", "createdAt"))
    assert warnings(analyse(tmp_path / "right", right, exchange())) == []


def test_a_body_key_is_reported_with_the_nearest_one(tmp_path: Path) -> None:
    found = analyse(tmp_path, module({"output": {"more": "{{body.meta.more}}", "n": "{{body.totl}}"}}), exchange())
    assert warnings(found) == [
        "In the recorded response, `body.meta` has no `more` (it has `has_more`, `next`). The closest it has "
        "is `has_more`. If the API sends `more` only sometimes, read it with `ifempty()`.",
        "In the recorded response, `body` has no `totl` (it has `contacts`, `meta`, `total`). Did you mean "
        "`total`? If the API sends `totl` only sometimes, read it with `ifempty()`.",
    ]


def test_the_fix_changes_the_key_and_is_safe_only_for_letter_case(tmp_path: Path) -> None:
    found = analyse(tmp_path, module({"output": "{{body.Total}}"}), exchange())
    [item] = [d for d in diagnostics(found) if d.rule.code == "IML208"]
    [fix] = item.fixes
    assert fix.safe and [edit.new_text for edit in fix.edits] == ["total"]
    assert found.text[fix.edits[0].start : fix.edits[0].end] == "Total"


@pytest.mark.parametrize(
    "response",
    [
        {"iterate": "{{body.contacts}}", "output": {"phone": "{{item.phone}}"}},  # one item has it
        {"iterate": "{{body.contacts}}", "output": {"city": "{{item.address.city}}"}},  # null or an object
        {"iterate": "{{body.contacts}}", "output": {"x": "{{ifempty(item.email, '')}}"}},
        {"iterate": "{{body.contacts}}", "output": {"x": "{{if(item.email, item.email, erase)}}"}},
        {"iterate": "{{body.contacts}}", "output": {"x": "{{item.email || item.name}}"}},
        {"iterate": "{{body.contacts}}", "output": {"x": "{{!item.archived}}"}},
        {"output": "{{body.meta.next.cursor}}"},  # null: its shape is unknown
        {"output": "{{body.total.value}}"},  # a number has no keys to compare
        {"output": "{{body.contacts.length}}"},
        {"valid": "{{!body.error}}", "error": "{{body.error.message}}", "output": "{{body}}"},
        {"iterate": {"container": "{{body.contacts}}", "condition": "{{item.active}}"}, "output": "{{item}}"},
    ],
)
def test_what_one_response_cannot_prove_is_not_reported(tmp_path: Path, response: dict[str, object]) -> None:
    assert warnings(analyse(tmp_path, module(response), exchange())) == []


def test_pagination_reads_keys_of_the_last_page_and_is_not_reported(tmp_path: Path) -> None:
    found = module({"output": "{{body}}"}, pagination={"qs": {"cursor": "{{body.next_cursor}}"}})
    assert warnings(analyse(tmp_path, found, exchange())) == []


@pytest.mark.parametrize(
    "recorded",
    [
        exchange(status=404, json={"error": "not found"}),  # an error body: output never reads it
        exchange(headers=[["content-type", "text/html"]]),  # Make reads it as text
        {"label": "request", "response": {"text": "<html>"}},
        {"label": "request", "response": {"json": ["a", "b"]}},  # an array: `body.x` is not about keys
    ],
)
def test_a_failed_or_non_json_response_is_not_compared(tmp_path: Path, recorded: dict[str, object]) -> None:
    assert warnings(analyse(tmp_path, module({"output": "{{body.created}}"}), recorded)) == []


def test_a_text_response_type_is_not_compared(tmp_path: Path) -> None:
    found = module({"type": "text", "output": "{{body.created}}"})
    assert warnings(analyse(tmp_path, found, exchange())) == []


def test_a_malformed_recording_is_no_recording(tmp_path: Path) -> None:
    found = analyse(tmp_path, SEARCH, '{"exchanges": [{"response": {"status": "ok"}}]}')
    assert found.related.recording is None and warnings(found) == []
    assert "Recorded" not in hover_text(found, "body.contacts")


def test_each_request_reads_its_own_recording_by_label(tmp_path: Path) -> None:
    requests = [
        {"url": "https://api.example.com/me", "response": {"temp": {"account": "{{body.acount}}"}}},
        {"url": "https://api.example.com/contacts", "response": {"output": "{{body.totl}}"}},
        {"url": "https://api.example.com/tags", "response": {"output": "{{body.tags}}"}},
    ]
    second = exchange(label="request 2 of 3") | {"label": "request 2 of 3"}
    page_two = exchange({"contacts": []}) | {"label": "request 2 of 3, page 2", "page": 2}
    first = exchange({"account": "a-1"}) | {"label": "request 1 of 3"}
    found = analyse(tmp_path, requests, second, page_two, first)
    assert [message.split(" (it has")[0] for message in warnings(found)] == [
        "In the recorded response (request 1 of 3), `body` has no `acount`",
        "In the recorded response (request 2 of 3), `body` has no `totl`",
    ]


def test_without_labels_the_recorded_pages_answer_the_requests_in_order(tmp_path: Path) -> None:
    requests = [
        {"url": "https://api.example.com/me", "response": {"temp": {"account": "{{body.account}}"}}},
        {"url": "https://api.example.com/contacts", "response": {"output": "{{body.totl}}"}},
    ]
    first = {"response": {"json": {"account": "a-1"}}}
    found = analyse(tmp_path, requests, first, {"response": {"json": CONTACTS}})
    assert [message.split(" (it has")[0] for message in warnings(found)] == [
        "In the recorded response (request 2), `body` has no `totl`"
    ]


def test_an_oauth_stage_reads_the_exchange_recorded_for_it(tmp_path: Path) -> None:
    stages = {
        "authorize": {"url": "https://auth.example.com/authorize", "response": {"temp": {"code": "{{query.code}}"}}},
        "token": {
            "url": "https://auth.example.com/token",
            "method": "POST",
            "response": {"data": {"accessToken": "{{body.accessToken}}"}},
        },
    }
    recording = {
        "exchanges": [
            {"label": "`token` stage", "response": {"json": {"access_token": "secret-token-1234", "expires_in": 3600}}}
        ]
    }
    write_files(
        tmp_path,
        {
            "makecomapp.json": {"fileVersion": 1, "components": {"connection": {"c": {"connectionType": "oauth"}}}},
            "connections/c/c.oauth-communication.iml.json": stages,
            "connections/c/c.oauth-communication.response.json": recording,
        },
    )
    analysis = Workspace().analysis(str(tmp_path / "connections/c/c.oauth-communication.iml.json"))
    assert analysis is not None
    [message] = warnings(analysis)
    assert message.startswith("In the recorded response (`token` stage), `body` has no `accessToken`")
    assert "Did you mean `access_token`?" in message
    shown = hover_text(analysis, "body.accessToken")
    assert "secret-token-1234" not in shown


def test_hover_shows_the_recorded_value_escaped_and_masked(tmp_path: Path) -> None:
    found = analyse(tmp_path, SEARCH, exchange())
    shown = hover_text(found, "body.contacts")
    assert "Recorded value (request, status 200, 2026\\-12\\-01T15:20:00Z)" in shown
    assert '```\n[{"id":7,"name":"Zoë `Martin`"' in shown
    assert TOKEN not in shown and "k-123456789" not in shown and shown.count("••••") == 2


def test_any_item_of_an_array_counts(tmp_path: Path) -> None:
    found = analyse(
        tmp_path, module({"output": {"a": "{{body.contacts[2].phone}}", "b": "{{body.contacts[1].nick}}"}}), exchange()
    )
    assert [message.split(" (it has")[0] for message in warnings(found)] == [
        "In the recorded response, `body.contacts[1]` has no `nick`"
    ]


def test_hover_on_an_item_key_shows_the_first_item_that_has_it(tmp_path: Path) -> None:
    found = analyse(tmp_path, module({"iterate": "{{body.contacts}}", "output": {"p": "{{item.phone}}"}}), exchange())
    shown = hover_text(found, "item.phone")
    assert "1 of 2 items have it, the first" in shown and '"+44 20"' in shown


def test_hover_on_headers_and_status(tmp_path: Path) -> None:
    response = {"output": {"total": "{{headers.`x-total`}}", "status": "{{statusCode}}"}}
    found = analyse(tmp_path, module(response), exchange())
    assert '"2"' in hover_text(found, "headers.`x-total`")
    assert "```\n200\n```" in hover_text(found, "{{statusCode")


def test_hover_on_a_missing_key_says_which_keys_there_are(tmp_path: Path) -> None:
    found = analyse(tmp_path, SEARCH, exchange())
    shown = hover_text(found, "item.created_at")
    assert "Not in the recorded response" in shown and "`createdAt`" in shown


def test_hover_masks_a_value_equal_to_a_sample_secret(tmp_path: Path) -> None:
    files = {
        "modules/list/list.samples.json": {"parameters": {"apiToken": "echo-me-0123456789"}},
        "modules/list/list.mappable-params.iml.json": [{"name": "apiToken", "type": "password"}],
    }
    write_files(tmp_path, files)
    found = analyse(tmp_path, module({"output": "{{body.echo}}"}), exchange({"echo": "echo-me-0123456789"}))
    assert "echo-me-0123456789" not in hover_text(found, "body.echo")


def test_completion_offers_the_recorded_keys_with_their_values(tmp_path: Path) -> None:
    response = {"iterate": "{{body.contacts}}", "output": {"a": "{{item.}}", "b": "{{body.}}", "c": "{{body.meta.}}"}}
    found = analyse(tmp_path, module(response), exchange())
    items = completion_of(found, "{{item.")
    assert list(items) == ["id", "name", "createdAt", "address", "ref", "phone", "api_key"]
    assert items["name"] == '"Zoë `Martin`"' and items["id"] == "7" and items["ref"] == items["api_key"] == '"••••"'
    assert list(completion_of(found, "{{body.")) == ["contacts", "meta", "total"]
    assert completion_of(found, "{{body.meta.") == {"has_more": "false", "next": "null"}


def test_completion_backticks_a_key_that_is_no_name(tmp_path: Path) -> None:
    found = analyse(tmp_path, module({"output": "{{body.}}"}), exchange({"x-rate": 1, "ok": True}))
    offered = {item.label: item.insert_text for item in complete(found, found.text.index("{{body.") + 7)}
    assert offered == {"x-rate": "`x-rate`", "ok": "ok"}


def test_outside_the_response_nothing_recorded_is_offered(tmp_path: Path) -> None:
    found = analyse(tmp_path, module({"output": "{{body}}"}, qs={"q": "{{body.}}"}), exchange())
    assert completion_of(found, '"q": "{{body.') == {}


def test_a_recording_changed_on_disk_is_read_again(tmp_path: Path) -> None:
    analyse(tmp_path, SEARCH, exchange())
    workspace = Workspace()
    path = str(tmp_path / MODULE)
    before = workspace.analysis(path)
    assert before is not None and len(warnings(before)) == 1
    fixed = json.loads(json.dumps(CONTACTS).replace("createdAt", "created_at"))
    recording = tmp_path / RECORDING
    recording.write_text(json.dumps({"exchanges": [exchange(fixed)]}), encoding="utf-8")
    workspace.file_changed(str(recording))
    after = workspace.analysis(path)
    assert after is not None and after is not before and warnings(after) == []
    recording.unlink()
    workspace.file_changed(str(recording))
    gone = workspace.analysis(path)
    assert gone is not None and gone.related.recording is None


def test_an_unchanged_recording_keeps_the_analysis(tmp_path: Path) -> None:
    analyse(tmp_path, SEARCH, exchange())
    workspace = Workspace()
    first = workspace.analysis(str(tmp_path / MODULE))
    assert first is not None and workspace.analysis(str(tmp_path / MODULE)) is first
    assert workspace.is_read_by_others(str(tmp_path / RECORDING))


def test_an_open_recording_being_edited_wins_over_the_disk(tmp_path: Path) -> None:
    analyse(tmp_path, SEARCH, exchange())
    workspace = Workspace()
    fixed = json.dumps({"exchanges": [exchange({"contacts": [{"id": 1, "created_at": "x"}]})]})
    workspace.open_document(str(tmp_path / RECORDING), fixed, 1)
    analysis = workspace.analysis(str(tmp_path / MODULE))
    assert analysis is not None and warnings(analysis) == []
