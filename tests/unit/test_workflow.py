"""The GitHub Actions workflow (.github/workflows/), which cannot run here.

actionlint and zizmor check it offline (no findings; mutated copies prove that
both can fail), and its YAML is read to check what runs when: its `if:`
conditions are evaluated for a push to main, a push elsewhere and a pull
request, and its figure-report step runs on a real pytest-mpl report.
"""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOWS = ROOT / ".github" / "workflows"
WORKFLOW = WORKFLOWS / "ci.yml"
BIN = Path(sys.executable).parent

PUSH_MAIN = {"github.event_name": "push", "github.ref": "refs/heads/main"}
PUSH_BRANCH = {"github.event_name": "push", "github.ref": "refs/heads/figure-fix"}
PUSH_TAG = {"github.event_name": "push", "github.ref": "refs/tags/v1.0"}
# A pull request from a fork's own main branch: still not a push to main.
PULL_REQUEST = {
    "github.event_name": "pull_request",
    "github.ref": "refs/pull/7/merge",
    "github.head_ref": "main",
    "github.base_ref": "main",
}
NOT_MAIN = [PUSH_BRANCH, PUSH_TAG, PULL_REQUEST]


def run_tool(*command: str | Path) -> subprocess.CompletedProcess:
    """Run one of the venv's linters from the project root, output as text."""
    return subprocess.run(
        [BIN / command[0], *command[1:]], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def actionlint(*paths: Path) -> subprocess.CompletedProcess:
    return run_tool("actionlint", "-no-color", "-oneline", *paths)


def zizmor(path: Path, persona: str = "regular") -> subprocess.CompletedProcess:
    # --offline: CI has neither network nor a GitHub token.
    return run_tool("zizmor", "--offline", "--no-progress", f"--persona={persona}", path)


def workflow_files() -> list[Path]:
    return sorted([*WORKFLOWS.glob("*.yml"), *WORKFLOWS.glob("*.yaml")])


def load_workflow() -> dict:
    """The workflow as data; YAML 1.1 reads the `on:` key as True."""
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))
    return data


def mutant(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of the workflow with one exact edit, in a .github/workflows of its own."""
    text = WORKFLOW.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"the mutation needs exactly one {old!r} in the workflow"
    folder = tmp_path / ".github" / "workflows"
    folder.mkdir(parents=True)
    copy = folder / WORKFLOW.name
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


# --- GitHub's expression language, the part the workflow's `if:`s use -------

TOKEN = re.compile(
    r"\s*(?:(?P<string>'(?:[^']|'')*')|(?P<op>==|!=|&&|\|\||\(|\))"
    r"|(?P<call>[A-Za-z_][\w-]*\(\))|(?P<name>[A-Za-z_][\w.-]*))"
)
STATUS_FUNCTIONS = ("success()", "failure()", "always()", "cancelled()")


def to_python(condition: str) -> str:
    """Translate an `if:` into Python; anything outside the known subset is refused."""
    condition = condition.strip().removeprefix("${{").removesuffix("}}").strip()
    parts, position = [], 0
    while position < len(condition):
        match = TOKEN.match(condition, position)
        assert match and match.end() > position, f"unsupported expression: {condition!r}"
        position = match.end()
        kind, text = match.lastgroup, match.group(match.lastgroup)
        if kind == "string":
            parts.append(repr(text[1:-1].replace("''", "'")))
        elif kind == "op":
            parts.append({"&&": "and", "||": "or"}.get(text, text))
        elif kind == "call":
            assert text in STATUS_FUNCTIONS, f"unsupported function {text}"
            parts.append(text.replace("()", "_()"))
        else:
            parts.append(f"value({text!r})")
    return " ".join(parts)


def runs(item: dict, context: dict, status: str = "success") -> bool:
    """Whether a job or step with this `if:` runs, as GitHub decides it."""
    condition = str(item.get("if", "success()"))
    if not any(function in condition for function in STATUS_FUNCTIONS):
        condition = f"success() && ({condition})"

    def value(name: str) -> object:
        if name in ("true", "false"):
            return name == "true"
        if name.startswith(("steps.", "vars.")):
            return context.get(name, "")
        return context[name]  # an unknown github.* is a gap in these tests

    namespace = {
        "value": value,
        "success_": lambda: status == "success",
        "failure_": lambda: status == "failure",
        "always_": lambda: True,
        "cancelled_": lambda: False,
    }
    return bool(eval(to_python(condition), {"__builtins__": {}}, namespace))


def step(job: dict, *, uses: str = "", run: str = "", id: str = "") -> dict:
    """The one step of the job that uses this action, runs this command or has this id."""
    found = [
        s
        for s in job["steps"]
        if (uses and s.get("uses", "").split("@")[0] == uses)
        or (run and s.get("run", "").strip() == run)
        or (id and s.get("id") == id)
    ]
    assert len(found) == 1, f"expected one step ({uses or run or id}), found {len(found)}"
    return found[0]


def results_path() -> str:
    """Where pyproject.toml's pytest options make pytest-mpl write its report."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    options = shlex.split(pyproject["tool"]["pytest"]["ini_options"]["addopts"])
    return next(o.split("=", 1)[1] for o in options if o.startswith("--mpl-results-path="))


# --- the linters --------------------------------------------------------------


def test_actionlint_finds_nothing():
    assert WORKFLOW in workflow_files()
    result = actionlint(*workflow_files())
    assert (result.returncode, result.stdout) == (0, ""), result.stdout + result.stderr


@pytest.mark.parametrize("persona", ["regular", "pedantic"])
def test_zizmor_finds_nothing(persona):
    result = zizmor(WORKFLOWS, persona)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No findings to report" in result.stdout


@pytest.mark.parametrize(
    ("old", "new", "finding"),
    [
        ("run: make test\n", 'run: make test TITLE="${{ github.event.pull_request.title }}"\n',
         "template-injection"),
        ("uses: actions/deploy-pages@d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e # v4.0.5",
         "uses: actions/deploy-pages@v4", "unpinned-uses"),
        ("    permissions:\n      contents: read\n", "    permissions: write-all\n",
         "excessive-permissions"),
        ("        with:\n          persist-credentials: false\n\n", "\n", "artipacked"),
    ],
    ids=["injected-title", "tag-pin", "write-all", "credentials-kept"],
)  # fmt: skip
def test_zizmor_finds_a_weakened_workflow(tmp_path, old, new, finding):
    copy = mutant(tmp_path, old, new)
    result = zizmor(copy.parent)
    assert result.returncode != 0 and finding in result.stdout, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("old", "new", "finding"),
    [
        ("    timeout-minutes: 60\n", "    timeout-minute: 60\n",
         'unexpected key "timeout-minute"'),
        ("needs: test\n", "needs: tests\n", "[job-needs]"),
        ("if: github.event_name == 'push' && github.ref == 'refs/heads/main'\n    runs-on",
         "if: ${{ github.event_name == }}\n    runs-on", "[expression]"),
        ("  pull_request:\n", "  pull_request:\n   broken: [\n", "[syntax-check]"),
    ],
    ids=["unknown-key", "unknown-job", "broken-expression", "yaml-syntax"],
)  # fmt: skip
def test_actionlint_finds_a_broken_workflow(tmp_path, old, new, finding):
    copy = mutant(tmp_path, old, new)
    result = actionlint(copy)
    assert result.returncode != 0 and finding in result.stdout, result.stdout + result.stderr


def test_every_action_is_pinned_to_a_commit_with_its_version():
    uses = re.findall(r"^\s*(?:-\s*)?uses:\s*(.+)$", WORKFLOW.read_text(), re.MULTILINE)
    assert uses
    for line in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+", line), line


# --- what runs when -------------------------------------------------------------


def test_make_test_runs_on_every_push_and_pull_request():
    workflow = load_workflow()
    assert {"push", "pull_request"} <= set(workflow["on"])
    assert "pull_request_target" not in workflow["on"]
    for event in ("push", "pull_request"):  # no branch or path filter
        assert not workflow["on"][event], workflow["on"][event]
    test_jobs = [job for job in workflow["jobs"].values() if "make test" in str(job["steps"])]
    assert len(test_jobs) == 1
    job = test_jobs[0]
    make_test = step(job, run="make test")
    checkout = next(s for s in job["steps"] if "actions/checkout@" in s.get("uses", ""))
    assert "repository" not in checkout["with"]  # the project itself comes first
    assert job["steps"].index(checkout) < job["steps"].index(make_test)
    for context in (PUSH_MAIN, *NOT_MAIN):
        assert runs(job, context) and runs(make_test, context), context
    # Every Actions-side step can run as root in Debian, which the Makefile expects.
    assert job["container"]["image"].startswith("debian:")


def test_figure_report_is_uploaded_only_when_a_figure_differs():
    job = load_workflow()["jobs"]["test"]
    make_test, detect = step(job, run="make test"), step(job, id="figures")
    upload = step(job, uses="actions/upload-artifact")
    assert upload["with"]["path"].rstrip("/") == results_path()
    outcome = f"steps.{make_test['id']}.outcome"
    for context in (PUSH_MAIN, PULL_REQUEST):
        failed = {**context, outcome: "failure"}
        assert runs(detect, failed, "failure")
        assert not runs(detect, {**context, outcome: "success"}, "success")
        assert runs(upload, {**failed, "steps.figures.outputs.differ": "true"}, "failure")
        assert not runs(upload, failed, "failure")  # tests failed, every figure matched
        assert not runs(upload, {**context, "steps.figures.outputs.differ": "true"})


def test_pages_are_built_and_deployed_only_from_main():
    workflow = load_workflow()
    assert workflow["permissions"] == {}
    jobs = workflow["jobs"]
    deploy = [name for name, job in jobs.items() if "actions/deploy-pages" in str(job["steps"])]
    assert deploy == ["deploy"]
    job = jobs["deploy"]
    assert job["permissions"] == {"pages": "write", "id-token": "write"}
    assert job["environment"]["name"] == "github-pages"
    assert job["concurrency"]["cancel-in-progress"] is False
    needs = job["needs"]
    assert "test" in ([needs] if isinstance(needs, str) else needs)  # only after the tests
    assert runs(job, PUSH_MAIN)
    for context in NOT_MAIN:
        assert not runs(job, context), context
    # No other job may write anything.
    for name, other in jobs.items():
        if name != "deploy":
            assert "write" not in other.get("permissions", {}).values(), name

    test = jobs["test"]
    upload = step(test, uses="actions/upload-pages-artifact")
    build = next(s for s in test["steps"] if s.get("run", "").startswith("make OUT="))
    assert runs(build, PUSH_MAIN) and runs(upload, PUSH_MAIN)
    for context in NOT_MAIN:
        assert not runs(build, context) and not runs(upload, context), context
    out = shlex.split(build["run"].splitlines()[0])[1].removeprefix("OUT=")
    assert upload["with"]["path"].rstrip("/") == out
    # The build's state file (absolute paths) and lock are taken out before publishing.
    assert f"find {out} -mindepth 1 -name '.*' -exec rm -rf {{}} +" in build["run"]
    # The published folder must not be where the test report and corpus report land.
    assert Path(out).parts[0] != Path(results_path()).parts[0]


# --- the figure-report step on a real pytest-mpl report ------------------------

FIGURE_TEST = """
import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import pytest

COLOR, OTHER_OK = "{color}", {other_ok}


@pytest.mark.mpl_image_compare
def test_line():
    fig, ax = plt.subplots(figsize=(1.5, 1.5))
    ax.plot([0, 1], [0, 1], color=COLOR, linewidth=4)
    return fig


def test_other():
    assert OTHER_OK
"""


def run_pytest(folder: Path, *options: str, color: str, other_ok: bool) -> int:
    """Run a one-figure test in folder with the project's pytest-mpl options; the exit code."""
    (folder / "test_line.py").write_text(FIGURE_TEST.format(color=color, other_ok=other_ok))
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    addopts = pyproject["tool"]["pytest"]["ini_options"]["addopts"]
    (folder / "pytest.ini").write_text(f"[pytest]\naddopts = {addopts}\n")
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *options],
        cwd=folder,
        capture_output=True,
        timeout=120,
    ).returncode


def figures_step_output(folder: Path) -> str:
    """What the workflow's figure-report step writes to GITHUB_OUTPUT, run in folder."""
    script = step(load_workflow()["jobs"]["test"], id="figures")["run"]
    output = folder / "github-output"
    output.write_text("")
    env = {**os.environ, "GITHUB_OUTPUT": str(output)}
    # GitHub's own way to run a step's script when bash is there.
    subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
        cwd=folder, env=env, check=True, timeout=30,
    )  # fmt: skip
    return output.read_text()


@pytest.fixture(scope="module")
def baseline(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("baseline")
    run_pytest(folder, "--mpl-generate-path=baseline", color="C0", other_ok=True)
    assert (folder / "baseline" / "test_line.png").is_file()
    return folder / "baseline"


@pytest.mark.parametrize(
    ("color", "other_ok", "differ"),
    [("C3", True, True), ("C0", False, False), ("C0", True, False)],
    ids=["figure-differs", "other-test-fails", "all-pass"],
)
def test_figures_step_on_a_real_report(tmp_path, baseline, color, other_ok, differ):
    shutil.copytree(baseline, tmp_path / "baseline")
    assert run_pytest(tmp_path, color=color, other_ok=other_ok) == (
        0 if other_ok and not differ else 1
    )
    assert (tmp_path / results_path() / "fig_comparison.html").is_file()  # always written
    assert figures_step_output(tmp_path) == ("differ=true\n" if differ else "")


def test_figures_step_when_a_baseline_is_missing(tmp_path):
    assert run_pytest(tmp_path, color="C0", other_ok=True) == 1
    assert figures_step_output(tmp_path) == "differ=true\n"


def test_figures_step_when_pytest_wrote_no_report(tmp_path):
    assert figures_step_output(tmp_path) == ""


def test_expression_subset_refuses_what_it_cannot_read():
    with pytest.raises(AssertionError, match="unsupported"):
        to_python("contains(github.ref, 'main')")
    with pytest.raises(AssertionError, match="unsupported"):
        to_python("!cancelled()")
    assert runs({"if": "github.ref == 'refs/heads/main'"}, PUSH_MAIN)
    assert not runs({"if": "github.ref == 'refs/heads/main'"}, PUSH_MAIN, "failure")
    assert runs({"if": "failure() && github.event_name != 'push'"}, PULL_REQUEST, "failure")
    assert not runs({}, PUSH_MAIN, "failure")
