"""No sample value of a secret-like parameter, transformed or not, in diagnostics, hovers, inlay hints,
previews or the CLI's output (issue: secrets got past the redaction 26 ways)."""

from __future__ import annotations

import json

import pytest

from iml_ls.analysis import Workspace
from iml_ls.features.code_lens import code_lenses
from iml_ls.features.hover import hover
from iml_ls.features.inlay_hints import inlay_hints
from iml_ls.features.preview import preview, render_preview_text

from .conftest import App, run
from .leaks import SECRET, assert_no_secret

NOW = 1_700_000_000.0
TRANSFORMS = [
    "lower(parameters.{name})",
    "upper(parameters.{name})",
    "substring(parameters.{name}, 1, 9)",
    "base64(parameters.{name})",
    "join(split(parameters.{name}, '#'), '-')",
    "replace(parameters.{name}, '!', '?')",
    "parameters['{name}']",
    "get(parameters, '{name}')",
]


def failing(expression: str) -> dict[str, object]:
    """A request whose header fails with a message that would quote the value (`'…' is not a number`)."""
    return {"url": "https://api.example.com", "headers": {"x-check": "{{parseNumber(" + expression + ")}}"}}


@pytest.mark.parametrize("transform", TRANSFORMS)
def test_check_never_quotes_a_transformed_secret(app: App, transform: str) -> None:
    app.communication(failing(transform.format(name="clientSecret")))
    _, out, err = run("check", str(app.root))
    assert "IML501" in out  # the failure is still reported
    assert_no_secret(out, err)
    _, out, err = run("check", str(app.root), "--format", "json")
    assert_no_secret(out, err)


@pytest.mark.parametrize(
    ("name", "declaration"),
    [
        ("apiKey", {"name": "apiKey", "type": "text"}),  # the repository calls the key plain text
        ("accessToken", None),  # or leaves it out of the params file
        ("webhookValue", {"name": "webhookValue", "type": "text"}),  # a PEM block is a secret by its look
    ],
)
def test_what_is_secret_is_not_up_to_the_params_file(app: App, name: str, declaration: dict[str, str] | None) -> None:
    value = "-----BEGIN PRIVATE KEY-----" + SECRET if name == "webhookValue" else SECRET
    app.params([{"name": "clientId", "type": "text"}, *([declaration] if declaration else [])])
    app.samples({"clientId": "acme", name: value})
    app.communication(failing(f"lower(parameters.{name})"))
    _, out, err = run("check", str(app.root))
    assert "IML501" in out
    assert_no_secret(out, err)


def test_an_error_of_a_value_not_derived_from_a_secret_is_still_explained(app: App) -> None:
    app.communication(failing("parameters.clientId"))
    _, out, _ = run("check", str(app.root))
    assert "'acme-client-42' is not a number" in out


def test_a_secret_reaching_a_message_through_temp_is_hidden(app: App) -> None:
    app.communication(
        {
            "temp": {"copy": "{{substring(parameters.clientSecret, 2, 10)}}", "again": "{{temp.copy}}"},
            "url": "https://api.example.com",
            "headers": {"x-check": "{{parseNumber(temp.again)}}"},
        }
    )
    _, out, err = run("check", str(app.root))
    assert "IML501" in out
    assert_no_secret(out, err)


def test_hover_hides_every_secret_and_whatever_derives_from_one(app: App) -> None:
    text = json.dumps(
        {
            "temp": {"shout": "{{upper(parameters.clientSecret)}}"},
            "url": "https://api.example.com/{{parameters}}",
            "headers": {"a": "{{temp.shout}}", "b": "{{get(parameters, 'clientSecret')}}", "c": "{{temp}}"},
        }
    )
    workspace = Workspace()
    workspace.open_document(str(app.connection), text, 1)
    analysis = workspace.analysis(str(app.connection))
    assert analysis is not None
    shown = [found.markdown for offset in range(len(text)) if (found := hover(analysis, offset, now=NOW)) is not None]
    assert any("hidden" in markdown for markdown in shown)
    assert_no_secret(*shown)


def test_hover_escapes_evaluated_values(app: App) -> None:
    """A `temp` value cannot close the code block or add an image that the editor would fetch."""
    injected = "x```\n![pixel](https://evil.example/?leak=1)\n`"
    text = json.dumps({"temp": {"v": injected}, "url": "https://api.example.com/{{temp.v}}"})
    workspace = Workspace()
    workspace.open_document(str(app.connection), text, 1)
    analysis = workspace.analysis(str(app.connection))
    assert analysis is not None
    found = hover(analysis, text.index("temp.v}}") + 6, now=NOW)
    assert found is not None
    value = found.markdown.split("Value:\n", 1)[1]
    fence = value.split("\n", 1)[0]
    assert set(fence) == {"`"} and len(fence) > 3  # longer than the run of three backticks inside
    assert value.endswith("\n" + fence) and value.count(fence) == 2
    assert "![pixel]" in value[len(fence) : -len(fence)]  # shown as code, inside the fence


def test_hover_escapes_a_label_from_the_params_file(app: App) -> None:
    app.params([{"name": "clientId", "type": "text", "label": "![x](https://evil.example/?q=1)"}])
    text = json.dumps({"url": "https://api.example.com/{{parameters.clientId}}"})
    workspace = Workspace()
    workspace.open_document(str(app.connection), text, 1)
    analysis = workspace.analysis(str(app.connection))
    assert analysis is not None
    found = hover(analysis, text.index("clientId"), now=NOW)
    assert found is not None
    assert "![x](" not in found.markdown


def test_preview_masks_secret_values_and_log_sanitize_paths(app: App) -> None:
    app.communication(
        {
            "url": "https://api.example.com",
            "headers": {"authorization": "Basic {{base64(parameters.clientId + ':' + parameters.clientSecret)}}"},
            "body": {"secret": "{{lower(parameters.clientSecret)}}", "session": "{{parameters.clientId}}"},
            "log": {"sanitize": ["request.body.session"]},
        }
    )
    for format_ in ("json", "text"):
        _, out, err = run("preview", str(app.connection), "--now", "1700000000", "--format", format_)
        assert_no_secret(out, err)
    preview_json = json.loads(run("preview", str(app.connection), "--now", "1700000000", "--format", "json")[1])
    body = preview_json["requests"][0]["body"]
    assert body["secret"] == "••••" and body["session"] == "••••"


def test_a_token_whose_payload_holds_a_secret_is_withheld(app: App) -> None:
    app.communication(
        {
            "temp": {"claims": {"sub": "{{parameters.clientId}}", "pwd": "{{lower(parameters.clientSecret)}}"}},
            "url": "https://api.example.com",
            "headers": {"authorization": "Bearer {{jwt(temp.claims, parameters.clientSecret, 'HS256')}}"},
        }
    )
    _, out, err = run("preview", str(app.connection), "--now", "1700000000", "--format", "json")
    assert_no_secret(out, err)
    assert json.loads(out)["tokens"][0]["token"] == "••••"


def test_a_token_signed_with_a_secret_key_is_shown(app: App) -> None:
    app.communication(
        {
            "temp": {"claims": {"sub": "{{parameters.clientId}}"}},
            "url": "https://api.example.com",
            "headers": {"authorization": "Bearer {{jwt(temp.claims, parameters.clientSecret, 'HS256')}}"},
        }
    )
    status, out, err = run("preview", str(app.connection), "--now", "1700000000", "--format", "json")
    assert status == 0
    assert json.loads(out)["tokens"][0]["token"].startswith("eyJ")
    assert_no_secret(out, err)


def test_inlay_hints_and_code_lenses_show_no_secret_derived_time(app: App) -> None:
    app.samples({"clientId": "acme", "clientSecret": "1700000000"})
    text = json.dumps(
        {
            "temp": {"claims": {"exp": "{{parseNumber(parameters.clientSecret) + 60}}", "iat": "{{timestamp}}"}},
            "url": "https://api.example.com",
            "headers": {"authorization": "Bearer {{jwt(temp.claims, parameters.clientSecret, 'HS256')}}"},
        }
    )
    workspace = Workspace()
    workspace.open_document(str(app.connection), text, 1)
    analysis = workspace.analysis(str(app.connection))
    assert analysis is not None
    hints = inlay_hints(analysis, 0, len(text), NOW)
    assert [hint.offset for hint in hints] == [text.index('"{{timestamp}}"') + len('"{{timestamp}}"')]
    outputs = [hint.label for hint in hints] + [hint.tooltip for hint in hints]
    outputs += [lens.title for lens in code_lenses(analysis)]
    outputs.append(render_preview_text(preview(analysis, now=NOW), analysis))
    assert not [output for output in outputs if "1700000060" in output or "22:14:20" in output]


def test_a_samples_file_is_not_checked_as_iml(app: App) -> None:
    secret = "{{" + SECRET + "}}"
    app.samples({"clientId": "acme", "clientSecret": secret})
    _, out, err = run("check", str(app.root))
    assert_no_secret(out, err)
    assert "IML003" not in out


def test_markdown_helpers_keep_text_out_of_markup() -> None:
    from iml_ls.features import markdown

    assert markdown.code("temp.a") == "`temp.a`"
    assert markdown.code("a`b") == "``a`b``"
    assert markdown.code("`x") == "`` `x ``"
    assert markdown.text("![x](https://evil.example)\nnext") == "\\!\\[x\\]\\(https://evil\\.example\\) next"
    assert markdown.code_block("```") == "````\n```\n````"


def test_completion_escapes_a_label_from_the_params_file(app: App) -> None:
    from iml_ls.features.completion import complete

    app.params([{"name": "clientId", "type": "text", "label": "![x](https://evil.example/?q=1)"}])
    text = json.dumps({"url": "https://api.example.com/{{parameters.}}"})
    workspace = Workspace()
    workspace.open_document(str(app.connection), text, 1)
    analysis = workspace.analysis(str(app.connection))
    assert analysis is not None
    items = complete(analysis, text.index("parameters.") + len("parameters."))
    documented = [item.documentation for item in items if item.documentation and "evil" in item.documentation]
    assert documented and not [doc for doc in documented if "![x](" in doc]
