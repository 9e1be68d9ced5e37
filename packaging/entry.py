"""The installed application's entry point: the same command line as ``model-studio``.

Started without a command it opens the window. Started as ``model-studio -m studio ...``
(how a Python environment starts a studio process) it drops ``-m studio`` and runs the
rest, so code that starts a studio process the unfrozen way still works here.
"""

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    if sys.argv[1:3] == ["-m", "studio"]:
        del sys.argv[1:3]
    from studio.cli import main

    sys.exit(main())
