"""Write the parameter names and shapes of every torchvision architecture to studio/resources/.

Auto-detection compares a checkpoint against these signatures; shipping them saves
every user the ~20 s it takes to build each architecture once. Run it after a
torchvision upgrade:

    python scripts/generate_architecture_catalogue.py
"""

from __future__ import annotations

import json
import sys

import torchvision

from studio.model import architectures


def main() -> int:
    version = torchvision.__version__.split("+")[0]
    signatures = architectures.compute_signatures()
    path = architectures.signatures_file(version)
    architectures.write_signatures(path, signatures)
    print(
        json.dumps(
            {
                "torchvision": version,
                "architectures": len(signatures),
                "path": str(path),
                "bytes": path.stat().st_size,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
