"""``python -m vidgen_desktop``: same entry point as the ``vidgen-desktop`` script."""

import sys

from vidgen_desktop.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
