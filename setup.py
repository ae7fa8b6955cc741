"""Build hook: ship the repository's canonical list (data/tasks.yaml) and the compiled
translations inside the wheel.

The list lives at the top of the repository, where people review it; the
package reads it as ``szbiz/data/tasks.yaml`` once installed. Each gettext
catalog ``src/szbiz/locale/*/LC_MESSAGES/*.po`` is compiled by Babel (a build
requirement) into the ``.mo`` that szbiz.i18n reads.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


def compile_catalogs(target: Path) -> None:
    """Compile every catalog of the source tree into ``target`` (the built package)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    source = HERE / "src" / "szbiz"
    for po in sorted((source / "locale").glob("*/LC_MESSAGES/*.po")):
        with po.open("rb") as stream:
            catalog = read_po(stream, locale=po.parent.parent.name)
        mo = target / po.relative_to(source).with_suffix(".mo")
        mo.parent.mkdir(parents=True, exist_ok=True)
        with mo.open("wb") as stream:
            write_mo(stream, catalog, use_fuzzy=False)


class BuildWithData(build_py):
    def run(self) -> None:
        super().run()
        package = Path(self.build_lib) / "szbiz"
        target = package / "data"
        target.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(HERE / "data" / "tasks.yaml", target / "tasks.yaml")
        compile_catalogs(package)


setup(cmdclass={"build_py": BuildWithData})
