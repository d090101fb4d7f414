"""`make bench`: time iml-ls against a do-nothing floor and vscode-json-language-server."""
