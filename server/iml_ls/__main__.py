"""``python -m iml_ls`` runs the ``iml-ls`` command."""

import sys

from iml_ls.cli import main

sys.exit(main())
