"""``python -m coursebuild``: the ``coursebuild`` command."""

import sys

from coursebuild.cli import console_main

if __name__ == "__main__":
    sys.exit(console_main())
