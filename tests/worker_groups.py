"""Keep the tests marked `xdist_group(name)` on one pytest-xdist worker, on any pytest.

pytest-xdist's own `--dist loadgroup` renames each item's node id to carry its group, which
pytest 9 no longer allows. Here each worker writes down the groups it collected and the controller
schedules by them instead: the same behaviour through xdist's public hooks and scheduler class.
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pytest

GROUPS_KEY = "xdist_groups_file"


@pytest.hookimpl(optionalhook=True)
def pytest_configure_node(node) -> None:
    """Controller: tell each worker where to write the groups of the tests it collects."""
    config = node.config
    if not hasattr(config, "_xdist_groups_file"):
        config._xdist_groups_file = Path(tempfile.mkdtemp(prefix="xdist-groups-")) / "groups.json"
    node.workerinput[GROUPS_KEY] = str(config._xdist_groups_file)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Worker: record each collected test's group, after every conftest has marked them."""
    target = getattr(config, "workerinput", {}).get(GROUPS_KEY)
    if not target:
        return
    groups = {}
    for item in items:
        mark = item.get_closest_marker("xdist_group")
        if mark:
            groups[item.nodeid] = str(mark.args[0] if mark.args else mark.kwargs["name"])
    partial = Path(f"{target}.{config.workerinput['workerid']}")
    partial.write_text(json.dumps(groups), encoding="utf-8")
    partial.replace(target)  # every worker collects the same tests: the last one wins


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log):
    """Controller: with `--dist loadgroup`, schedule one group as one unit of work."""
    if config.getoption("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedGroupScheduling(LoadScopeScheduling):
        """xdist's scope scheduling, where a test's scope is its group (or itself)."""

        groups: dict[str, str] | None = None

        def _split_scope(self, nodeid: str) -> str:
            if self.groups is None:
                self.groups = json.loads(config._xdist_groups_file.read_text(encoding="utf-8"))
            return self.groups.get(nodeid, nodeid)

    return SharedGroupScheduling(config, log)
