"""coursebuild/preview/standby.py: the preview's next build, started ahead, told to build.

The build script is replaced by a probe that reports what the process had
loaded when it ran, run through the command build.py's preview assembles.
"""

from __future__ import annotations

import importlib
import json
import os
import subprocess
import time
from pathlib import Path

import pytest

from coursebuild.cli import parse_arguments, preview_command
from coursebuild.preview.standby import LIBRARIES
from tests.support.course_factory import PROJECT_ROOT

PROBE = """\
import json, sys
from pathlib import Path

project, report, code = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
own = tuple(str(project / part) for part in ("coursebuild", "figures", "build.py"))
from_project = sorted(
    name
    for name, module in list(sys.modules.items())
    if str(getattr(module, "__file__", None) or "").startswith(own)
    and getattr(module, "__file__", None) != str(project / "coursebuild" / "preview" / "standby.py")
)
report.write_text(json.dumps({
    "from_project": from_project,
    "figure_libraries": "matplotlib.backends.backend_svg" in sys.modules,
    "path": sys.path,
    "argv": sys.argv,
    "name": __name__,
}))
sys.exit(code)
"""


def standby_command(probe: Path, *arguments: str) -> list[str]:
    """The preview's build command (build.py's, by cli.preview_command), the probe for build.py."""
    build_script = str(PROJECT_ROOT / "build.py")
    command = preview_command(parse_arguments([]), probe.parent / "out", [build_script])
    script = command.index(build_script)
    return [*command[:script], str(probe), *arguments]


def cpu_ticks(pid: int) -> int:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])  # utime, stime


def wait_until_idle(process: subprocess.Popen, timeout: float = 60) -> None:
    """Until the process stops using the CPU: its imports are done and it waits."""
    deadline, last, still = time.monotonic() + timeout, -1, 0
    while still < 4:
        assert time.monotonic() < deadline, "the standby never came to wait"
        assert process.poll() is None, "the standby ended before it was told anything"
        ticks = cpu_ticks(process.pid)
        still = still + 1 if ticks == last else 0
        last = ticks
        time.sleep(0.2)


@pytest.fixture
def probe(tmp_path) -> Path:
    path = tmp_path / "probe" / "probe.py"
    path.parent.mkdir()
    path.write_text(PROBE, encoding="utf-8")
    return path


def start(command: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        command, cwd=cwd, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def test_a_waiting_standby_has_its_libraries_and_nothing_of_the_project(probe, tmp_path):
    report = tmp_path / "report.json"
    process = start(standby_command(probe, str(PROJECT_ROOT), str(report), "0"), tmp_path)
    wait_until_idle(process)
    assert not report.exists(), "it ran the script before it was told to"
    _, stderr = process.communicate("build\n", timeout=60)
    assert process.returncode == 0, stderr
    seen = json.loads(report.read_text(encoding="utf-8"))
    # Loaded ahead: matplotlib, the last of the libraries. Not loaded: any of
    # the project's modules, so an edit to one while it waited is still built.
    assert seen["figure_libraries"]
    assert seen["from_project"] == []
    # Run as `python probe.py ...` would run it: its folder first on the path,
    # coursebuild/ (standby.py's folder) not on it at all.
    assert seen["path"][0] == str(probe.parent)
    assert str(PROJECT_ROOT / "coursebuild") not in seen["path"]
    assert seen["argv"] == [str(probe), str(PROJECT_ROOT), str(report), "0"]
    assert seen["name"] == "__main__"


def test_the_scripts_exit_code_is_the_standbys(probe, tmp_path):
    report = tmp_path / "report.json"
    process = start(standby_command(probe, str(PROJECT_ROOT), str(report), "3"), tmp_path)
    process.communicate("build\n", timeout=60)
    assert process.returncode == 3
    assert report.exists()


def test_a_line_that_comes_at_once_builds_without_the_imports_still_to_do(probe, tmp_path):
    report = tmp_path / "report.json"
    process = start(standby_command(probe, str(PROJECT_ROOT), str(report), "0"), tmp_path)
    # Written before Python has started: no library is imported ahead of it.
    process.communicate("build\n", timeout=60)
    assert process.returncode == 0
    assert not json.loads(report.read_text(encoding="utf-8"))["figure_libraries"]


def test_the_end_of_input_ends_it_without_running_the_script(probe, tmp_path):
    report = tmp_path / "report.json"
    process = start(standby_command(probe, str(PROJECT_ROOT), str(report), "0"), tmp_path)
    wait_until_idle(process)
    _, stderr = process.communicate("", timeout=60)
    assert process.returncode == 0
    assert stderr == ""
    assert not report.exists()


def test_every_library_named_is_installed():
    missing = []
    for name in LIBRARIES:
        try:
            importlib.import_module(name)
        except ImportError:
            missing.append(name)
    assert missing == []


def test_an_installed_command_runs_as_its_module(tmp_path):
    # The `coursebuild` command's preview runs `python -m coursebuild` through the standby.
    package = tmp_path / "site-packages" / "probe_package"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "__main__.py").write_text(PROBE, encoding="utf-8")
    report = tmp_path / "report.json"
    command = preview_command(parse_arguments([]), tmp_path / "out", ["-m", "probe_package"])
    standby = command.index("-m")
    command = [*command[:standby], "-m", "probe_package", str(PROJECT_ROOT), str(report), "4"]
    environment = {**os.environ, "PYTHONPATH": str(package.parent)}
    process = subprocess.Popen(
        command, cwd=tmp_path, stdin=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=environment,
    )  # fmt: skip
    _, stderr = process.communicate("build\n", timeout=60)
    assert process.returncode == 4, stderr
    seen = json.loads(report.read_text(encoding="utf-8"))
    assert seen["name"] == "__main__"
    assert seen["argv"][1:] == [str(PROJECT_ROOT), str(report), "4"]
    assert seen["from_project"] == []
