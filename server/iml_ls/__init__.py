"""iml-ls: a language server for Make custom-app connection files with embedded IML."""

__version__ = "0.1.0"
