"""The local Acme CRM stand-in of the run tests (``tests.run.acme``) as the editor tests use it: the example
app copied with every URL at the stand-in, the API-key connection's too, and sample values for the
components the editors send from; the stand-in answering the API-key ping as well (it refuses the key,
so ``response.valid`` decides a failure) and listing what it received (``GET /__received``) for the
VS Code end-to-end, which runs it as a process of its own:

    python3 -m tests.editors.acme_api --copy-app DEST    (in the repository: prints one JSON line, then serves)

Standard library only: the end-to-end runs it with the user's ``python3``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import threading
from pathlib import Path

from tests.run.acme import ACCESS_TOKEN, CODE, CONTACTS, REFRESH_TOKEN, serve_acme
from tests.run.acme import copy_app as copy_example
from tests.run.fake_api import Answer, FakeApi, Received, running_api

APIKEY = "connections/api-key/api-key.communication.iml.json"
RECEIVED = "/__received"
API_KEY = "key-for-the-test-0c9d"
SAMPLES = {
    "_comment": "Made-up values for the editor tests against the local Acme CRM stand-in.",
    "demo": True,
    "parameters": {"apiKey": API_KEY, "region": "eu", "query": "a", "field": "name", "limit": 10},
}
"""``iml-ls.samples.json`` of the copied app: the sample values of every component the editors send from."""
SECRETS = (ACCESS_TOKEN, REFRESH_TOKEN, CODE, API_KEY)
"""What no editor may show: the tokens, the code and the API key (each sent for real)."""


def copy_app(app: Path, server: str) -> Path:
    """``examples/make-app`` copied to the folder ``app``, sending only to ``server``, with ``iml-ls.samples.json``."""
    with tempfile.TemporaryDirectory() as scratch:
        shutil.move(copy_example(Path(scratch), server), app)
    api_key = app / APIKEY
    text = api_key.read_text(encoding="utf-8")
    api_key.write_text(text.replace("https://{{parameters.region}}.acme-crm.example", server), encoding="utf-8")
    (app / "iml-ls.samples.json").write_text(json.dumps(SAMPLES, indent=4) + "\n", encoding="utf-8")
    return app


def as_json(request: Received) -> dict[str, object]:
    body = request.body.decode("utf-8", "replace")
    return {"method": request.method, "path": request.path, "query": request.query, "headers": request.headers, "body": body}


def serve(api: FakeApi) -> FakeApi:
    """The run tests' routes, the API-key ping, and what the server received so far."""
    serve_acme(api)
    locked = {"status": "locked", "error": "This API key is locked: ask your Acme admin.", "account": "A-7"}
    api.answer("GET", "/v2/ping", Answer.of_json(locked))
    api.answer("GET", RECEIVED, lambda _: Answer.of_json([as_json(r) for r in api.received if r.path != RECEIVED]))
    return api


def main() -> None:
    """Copies the app, prints ``{"origin", "app", "code", "secrets", "contacts"}`` as one line (``contacts``: what
    the search module finds, in order), serves until killed."""
    parser = argparse.ArgumentParser(description="The local Acme CRM stand-in and a copy of the example app.")
    parser.add_argument("--copy-app", type=Path, required=True, help="the folder to copy examples/make-app into")
    options = parser.parse_args()
    with running_api() as api:
        serve(api)
        app = copy_app(options.copy_app, api.url)
        shown = {"origin": api.url, "app": str(app), "code": CODE, "secrets": SECRETS, "contacts": CONTACTS}
        print(json.dumps(shown), flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
