"""Build hook: ship the repository's canonical list (data/tasks.yaml) inside the wheel.

The list lives at the top of the repository, where people review it; the
package reads it as ``szbiz/data/tasks.yaml`` once installed.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        source = Path(__file__).parent / "data" / "tasks.yaml"
        target = Path(self.build_lib) / "szbiz" / "data"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target / "tasks.yaml")


setup(cmdclass={"build_py": BuildWithData})
