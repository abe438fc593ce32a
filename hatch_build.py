"""Hatchling build hook: the wheel (and an editable install) carries data built here.

codekit's bundled data (``src/codekit/_data``) is generated from the official
files in ``data/sources`` by ``data/build.py``; it is not kept in git. Building
the package runs that build when its output is missing or older than its inputs
(``data/build.py --if-stale``), so ``pip install .`` on a fresh clone gives a
package with its data, and an unchanged tree is not rebuilt.
"""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface


class DataBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name not in ("wheel",):
            return
        script = os.path.join(self.root, "data", "build.py")
        if not os.path.exists(script):  # pragma: no cover - building from a wheel-only tree
            return
        proc = subprocess.run([sys.executable, script, "--if-stale"], cwd=self.root, check=False)
        if proc.returncode != 0:
            raise RuntimeError(
                "building codekit's data from data/sources failed (see the messages above); "
                "run `python data/build.py` to see the error on its own"
            )
