"""A small Make app whose every component talks to the test's server (written with tests.app_files)."""

from __future__ import annotations

import json
from pathlib import Path

from tests.app_files import write_files

SECRET_API_KEY = "live-key-9f8e7d6c5b4a"
PASSWORD = "hunter2-correct-horse"
CLIENT_SECRET = "client-secret-0a1b2c3d"
ACCESS_TOKEN = "at-5e6f7a8b9c0d1e2f"
REFRESH_TOKEN = "rt-1234abcd5678efgh"
CODE = "auth-code-77aa88bb"
STORE = ".iml-ls/connection-data.json"
"""Where runs keep what connections and webhooks store, under the app root."""


def manifest() -> dict[str, object]:
    def files(kind: str, name: str, **codes: str) -> dict[str, str]:
        return {code: f"{kind}s/{name}/{name}.{suffix}" for code, suffix in codes.items()}

    comm = "communication.iml.json"
    return {
        "fileVersion": 1,
        "generalCodeFiles": {"base": "general/base.iml.json"},
        "components": {
            "connection": {
                "api-key": {
                    "connectionType": "basic",
                    "codeFiles": files("connection", "api-key", communication=comm, params="params.iml.json"),
                },
                "basic-auth": {
                    "connectionType": "basic",
                    "codeFiles": files("connection", "basic-auth", communication=comm, params="params.iml.json"),
                },
                "oauth2": {
                    "connectionType": "oauth",
                    "codeFiles": files(
                        "connection",
                        "oauth2",
                        communication="oauth-communication.iml.json",
                        params="params.iml.json",
                        common="common.json",
                    ),
                },
            },
            "module": {
                "create-contact": {
                    "moduleType": "action",
                    "connection": "oauth2",
                    "codeFiles": files(
                        "module",
                        "create-contact",
                        communication=comm,
                        **{"mappable-params": "mappable-params.iml.json"},
                    ),
                },
                "search-contacts": {
                    "moduleType": "search",
                    "connection": "oauth2",
                    "codeFiles": files("module", "search-contacts", communication=comm),
                },
                "watch-contacts": {
                    "moduleType": "trigger",
                    "connection": "oauth2",
                    "codeFiles": files("module", "watch-contacts", communication=comm),
                },
                "upload-file": {
                    "moduleType": "action",
                    "connection": "oauth2",
                    "codeFiles": files("module", "upload-file", communication=comm),
                },
                "subscribe": {
                    "moduleType": "action",
                    "connection": "oauth2",
                    "codeFiles": files("module", "subscribe", communication=comm),
                },
            },
            "rpc": {
                "list-fields": {"connection": "oauth2", "codeFiles": files("rpc", "list-fields", communication=comm)}
            },
            "webhook": {
                "contact-events": {
                    "webhookType": "web",
                    "connection": "oauth2",
                    "codeFiles": files(
                        "webhook",
                        "contact-events",
                        communication=comm,
                        attach="attach.iml.json",
                        detach="detach.iml.json",
                    ),
                }
            },
        },
    }


def write_app(root: Path, server: str) -> Path:
    """The app under ``root``, every URL on ``server`` (``http://127.0.0.1:PORT``)."""
    write_files(
        root,
        {
            "makecomapp.json": manifest(),
            "general/base.iml.json": {
                "baseUrl": f"{server}/v2",
                "headers": {"authorization": "Bearer {{connection.accessToken}}"},
                "response": {
                    "error": {
                        "message": "[{{statusCode}}] {{body.error.message}}",
                        "429": {"message": "Slow down.", "type": "RateLimitError"},
                    }
                },
                "log": {"sanitize": ["request.headers.authorization"]},
            },
            "connections/api-key/api-key.communication.iml.json": {
                "url": f"{server}/v2/ping",
                "qs": {"api_key": "{{parameters.apiKey}}"},
                "response": {
                    "valid": "{{body.status == 'ok'}}",
                    "error": {
                        "message": "{{ifempty(body.error, 'The API key was refused.')}}",
                        "type": "InvalidConfigurationError",
                    },
                    "metadata": {"value": "account {{body.account}}", "type": "text"},
                    "data": {"account": "{{body.account}}"},
                },
                "log": {"sanitize": ["request.qs.api_key"]},
            },
            "connections/api-key/api-key.params.iml.json": [{"name": "apiKey", "type": "password", "label": "API key"}],
            "connections/api-key/api-key.samples.json": {"parameters": {"apiKey": SECRET_API_KEY}},
            "connections/basic-auth/basic-auth.communication.iml.json": {
                "url": f"{server}/v2/whoami",
                "headers": {"authorization": "Basic {{base64(parameters.username + ':' + parameters.password)}}"},
                "response": {
                    "metadata": {"value": "{{body.login}}", "type": "text"},
                    "uid": "{{body.id}}",
                    "error": "{{body.message}}",
                },
                "log": {"sanitize": ["request.headers.authorization"]},
            },
            "connections/basic-auth/basic-auth.params.iml.json": [
                {"name": "username", "type": "text"},
                {"name": "password", "type": "password"},
            ],
            "connections/basic-auth/basic-auth.samples.json": {"parameters": {"username": "ada", "password": PASSWORD}},
            "connections/oauth2/oauth2.oauth-communication.iml.json": {
                "authorize": {
                    "url": f"{server}/oauth/authorize",
                    "qs": {
                        "client_id": "{{common.clientId}}",
                        "redirect_uri": "{{oauth.makeRedirectUri}}",
                        "response_type": "code",
                    },
                    "response": {"temp": {"code": "{{query.code}}"}},
                },
                "token": {
                    "url": f"{server}/oauth/token",
                    "method": "POST",
                    "type": "urlencoded",
                    "body": {
                        "grant_type": "authorization_code",
                        "code": "{{temp.code}}",
                        "client_id": "{{common.clientId}}",
                        "client_secret": "{{common.clientSecret}}",
                        "redirect_uri": "{{oauth.makeRedirectUri}}",
                    },
                    "response": {
                        "data": {
                            "accessToken": "{{body.access_token}}",
                            "refreshToken": "{{body.refresh_token}}",
                            "expires": "{{addSeconds(now, body.expires_in)}}",
                        },
                        "expires": "{{addDays(now, 90)}}",
                    },
                },
                "info": {
                    "url": f"{server}/v2/me",
                    "headers": {"authorization": "Bearer {{data.accessToken}}"},
                    "response": {"uid": "{{body.id}}", "metadata": {"value": "{{body.email}}", "type": "email"}},
                    "log": {"sanitize": ["request.headers.authorization"]},
                },
                "refresh": {
                    "url": f"{server}/oauth/token",
                    "method": "POST",
                    "type": "urlencoded",
                    "body": {
                        "grant_type": "refresh_token",
                        "refresh_token": "{{data.refreshToken}}",
                        "client_secret": "{{common.clientSecret}}",
                    },
                    "response": {"data": {"accessToken": "{{body.access_token}}"}},
                },
                "invalidate": {
                    "url": f"{server}/oauth/revoke",
                    "method": "POST",
                    "type": "urlencoded",
                    "body": {"token": "{{data.accessToken}}"},
                },
            },
            "connections/oauth2/oauth2.params.iml.json": [],
            "connections/oauth2/oauth2.common.json": {"clientId": "acme-client", "clientSecret": CLIENT_SECRET},
            "modules/create-contact/create-contact.communication.iml.json": {
                "url": "/contacts",
                "method": "POST",
                "body": {"name": "{{parameters.name}}", "tags": "{{parameters.tags}}"},
                "response": {"output": "{{body.contact}}"},
            },
            "modules/create-contact/create-contact.mappable-params.iml.json": [
                {"name": "name", "type": "text", "default": "Ada Lovelace"},
                {"name": "tags", "type": "array", "default": ["vip"]},
            ],
            "modules/search-contacts/search-contacts.communication.iml.json": {
                "url": "/contacts",
                "qs": {"per_page": 2},
                "pagination": {"qs": {"page": "{{pagination.page}}"}, "condition": "{{body.meta.has_more}}"},
                "response": {
                    "iterate": "{{body.contacts}}",
                    "output": {"id": "{{item.id}}", "name": "{{upper(item.name)}}"},
                    "limit": 10,
                },
            },
            "modules/watch-contacts/watch-contacts.communication.iml.json": {
                "url": "/contacts",
                "qs": {"sort": "-created_at"},
                "response": {
                    "iterate": "{{body.contacts}}",
                    "output": "{{item}}",
                    "trigger": {"id": "{{item.id}}", "date": "{{item.created_at}}", "type": "date", "order": "desc"},
                },
            },
            "modules/upload-file/upload-file.communication.iml.json": {
                "url": "/files",
                "method": "POST",
                "type": "multipart/form-data",
                "body": {
                    "title": "notes",
                    "file": {"value": "hello file", "options": {"filename": "notes.txt", "contentType": "text/plain"}},
                },
                "response": {"output": {"id": "{{body.id}}", "size": "{{body.size}}"}},
            },
            "modules/subscribe/subscribe.communication.iml.json": {
                "url": "/subscriptions",
                "method": "POST",
                "type": "urlencoded",
                "body": {"email": "ada@example.com", "lists": ["news", "tips"]},
                "response": {"output": "{{body}}"},
            },
            "rpcs/list-fields/list-fields.communication.iml.json": {
                "url": "/fields",
                "response": {
                    "iterate": "{{body.fields}}",
                    "output": {"label": "{{item.label}}", "value": "{{item.key}}"},
                },
            },
            "webhooks/contact-events/contact-events.communication.iml.json": {"output": "{{body}}"},
            "webhooks/contact-events/contact-events.attach.iml.json": {
                "url": f"{server}/v2/webhooks",
                "method": "POST",
                "headers": {"authorization": "Bearer {{connection.accessToken}}"},
                "body": {"url": "{{webhook.url}}"},
                "response": {"data": {"hookId": "{{body.id}}"}},
                "log": {"sanitize": ["request.headers.authorization"]},
            },
            "webhooks/contact-events/contact-events.detach.iml.json": {
                "url": f"{server}/v2/webhooks/{{{{webhook.hookId}}}}",
                "method": "DELETE",
                "headers": {"authorization": "Bearer {{connection.accessToken}}"},
                "log": {"sanitize": ["request.headers.authorization"]},
            },
        },
    )
    return root


def store_tokens(app: Path) -> None:
    """The OAuth 2 connection's tokens, as its token stage would have stored them."""
    (app / ".iml-ls").mkdir(exist_ok=True)
    data = {"accessToken": ACCESS_TOKEN, "refreshToken": REFRESH_TOKEN}
    (app / STORE).write_text(json.dumps({"connections": {"oauth2": {"data": data}}}), encoding="utf-8")


def connected_app(root: Path, server: str) -> Path:
    """The app under ``root`` on ``server``, its OAuth 2 connection already authorized (modules read its token)."""
    write_app(root, server)
    store_tokens(root)
    return root
