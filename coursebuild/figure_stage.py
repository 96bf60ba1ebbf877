"""The figures stage: run each figure module and save its Figure as SVG.

matplotlib is imported only when a figure has to be drawn, so a build where
nothing changed never pays for it.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import io
import traceback
from dataclasses import dataclass
from pathlib import Path

from coursebuild.atomic import write_atomic
from coursebuild.errors import BuildError
from coursebuild.state import BuildState, digest, files_digest
from figures.catalogue import FIGURES, FigureSpec

FIGURES_DIR = Path(__file__).resolve().parent.parent / "figures"


@dataclass(frozen=True)
class BuiltFigure:
    spec: FigureSpec
    path: Path
    size: int
    skipped: bool


def module_file(spec: FigureSpec) -> Path:
    return FIGURES_DIR / (spec.module.split(".")[-1] + ".py")


def figure_inputs(spec: FigureSpec, lang: str) -> str:
    """Digest of the figure's own module, the shared figure code, the language and matplotlib."""
    own_modules = {module_file(other) for other in FIGURES}
    shared = [
        path
        for path in FIGURES_DIR.iterdir()
        if path.suffix in (".py", ".mplstyle") and path not in own_modules
    ]
    return digest(
        module_file(spec).read_bytes(),
        files_digest(shared),
        lang,
        spec.title(lang),
        matplotlib_version(),
    )


@functools.cache
def matplotlib_version() -> str:
    """The installed matplotlib's version, read once a build (not once a figure).

    From the name of its ``.dist-info`` folder, where it can be found; reading
    it through importlib.metadata costs a no-op build 25 ms.
    """
    spec = importlib.util.find_spec("matplotlib")
    for folder in (spec and spec.submodule_search_locations) or ():
        infos = list(Path(folder).parent.glob("matplotlib-*.dist-info"))
        if len(infos) == 1:
            return infos[0].name.removeprefix("matplotlib-").removesuffix(".dist-info")
    from importlib import metadata

    return metadata.version("matplotlib")


def figure_to_svg(figure, title: str) -> bytes:
    """Serialise a matplotlib Figure to SVG bytes that are the same on every run."""
    from figures.style import course_style

    buffer = io.BytesIO()
    # Saving reads rcParams too (svg.hashsalt names the clip paths), so save in
    # the course style. No date; the title becomes the SVG's <title>.
    with course_style():
        figure.savefig(buffer, format="svg", metadata={"Title": title, "Date": None})
    return buffer.getvalue()


def render_figure(spec: FigureSpec, lang: str) -> bytes:
    """Import the figure's module, draw it, and return its SVG; errors name the module file."""
    try:
        module = importlib.import_module(spec.module)
        figure = module.make_figure(lang)
    except Exception as error:
        raise figure_error(spec, error) from error
    return figure_to_svg(figure, spec.title(lang))


def render_elsewhere(specs: list[FigureSpec], lang: str) -> list[bytes]:
    """Render in a child process, so that matplotlib never loads in the build's own.

    The build process then stays small (about 60 MB less), and so do the
    lesson workers it forks next: a clean 100-lesson build needs ~150 MB less
    in all. Errors come back as the BuildError render_figure raised.
    """
    if not specs:
        return []
    from concurrent.futures import ProcessPoolExecutor

    with ProcessPoolExecutor(max_workers=1) as child:
        return list(child.map(render_figure, specs, [lang] * len(specs)))


def figure_error(spec: FigureSpec, error: Exception) -> BuildError:
    """Point at the deepest line of figure code that raised, falling back to the module."""
    path, line = Path("figures") / module_file(spec).name, None
    for frame in traceback.extract_tb(error.__traceback__):
        frame_path = Path(frame.filename)
        if frame_path.parent.name == "figures":
            path, line = Path("figures") / frame_path.name, frame.lineno
    message = f"figure {spec.name} failed: {type(error).__name__}: {error}"
    return BuildError(message, path, line)


def build_figures(
    out_dir: Path,
    lang: str,
    state: BuildState | None = None,
    specs: tuple[FigureSpec, ...] = FIGURES,
) -> list[BuiltFigure]:
    """Render every stale figure first, then write them all, so a failure writes nothing."""
    state = state or BuildState(out_dir / ".unused")
    digests = {spec.name: figure_inputs(spec, lang) for spec in specs}
    stale = [s for s in specs if not state.is_fresh(f"figure:{s.name}", digests[s.name])]
    svgs = {s.name: svg for s, svg in zip(stale, render_elsewhere(stale, lang), strict=True)}
    rendered = [(spec, digests[spec.name], svgs.get(spec.name)) for spec in specs]
    built = []
    for spec, inputs, svg in rendered:
        name = f"images/{spec.name}.svg"
        path = out_dir / name
        if svg is not None:
            write_atomic(path, svg)
            state.record(f"figure:{spec.name}", inputs, {name: svg})
        built.append(BuiltFigure(spec, path, path.stat().st_size, skipped=svg is None))
    return built
