"""The figures stage: run each figure module and save its Figure as SVG.

A figure with slide steps (FigureSpec.slide_steps) also gets its slide
figures saved, as images/<name>-slide-<k>.svg beside images/<name>.svg. Every
SVG records its smallest text size in points in a ``data-min-text-pt``
attribute on its root element, for the decks' check that slides stay readable.

matplotlib is imported only when a figure has to be drawn, so a build where
nothing changed never pays for it.
"""

from __future__ import annotations

import functools
import importlib
import importlib.util
import io
import os
import traceback
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from coursebuild.core.atomic import write_atomic
from coursebuild.core.errors import BuildError
from coursebuild.core.lifetime import start_worker, stop_workers
from coursebuild.core.paths import FIGURES_DIR
from coursebuild.core.state import BuildState, digest, files_digest
from coursebuild.figure_cache import cached_svgs, store_svgs
from figures.catalogue import FIGURES, FigureSpec, slide_figure_names

if TYPE_CHECKING:
    from matplotlib.figure import Figure


@dataclass(frozen=True)
class BuiltFigure:
    spec: FigureSpec
    path: Path  # the handout figure, images/<name>.svg
    size: int
    skipped: bool
    slide_paths: tuple[Path, ...] = ()  # images/<name>-slide-<k>.svg, in slide order


@dataclass(frozen=True)
class FigureSVGs:
    """One figure's SVGs: the handout layout, and its slide figures if it has any."""

    handout: bytes
    slides: tuple[bytes, ...] = ()

    def by_name(self, spec: FigureSpec) -> dict[str, bytes]:
        """Each SVG under its path in the output folder, the handout figure first."""
        return dict(zip(output_names(spec), (self.handout, *self.slides), strict=True))


def output_names(spec: FigureSpec) -> list[str]:
    """The files a figure writes, relative to the output folder."""
    return [f"images/{name}.svg" for name in (spec.name, *slide_figure_names(spec))]


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
    from importlib import metadata  # the slow way, only when the fast one fails

    return metadata.version("matplotlib")


def figure_to_svg(figure, title: str) -> bytes:
    """Serialise a matplotlib Figure to SVG bytes that are the same on every run.

    The root element carries the smallest text size, ``data-min-text-pt``.
    """
    # Imported here: they import matplotlib, which loads only in the figure child.
    from figures.style import course_style
    from figures.text_size import smallest_text_pt, with_min_text_attribute

    buffer = io.BytesIO()
    # Saving reads rcParams too (svg.hashsalt names the clip paths), so save in
    # the course style. No date; the title becomes the SVG's <title>. Measured
    # on the figure as saving drew it (a second draw was a third of a figure's time).
    with course_style():
        figure.savefig(buffer, format="svg", metadata={"Title": title, "Date": None})
    smallest = smallest_text_pt(figure, drawn=True)
    return with_min_text_attribute(buffer.getvalue(), smallest)


def slide_title(spec: FigureSpec, lang: str, step: int) -> str:
    return f"{spec.title(lang)} ({step}/{spec.slide_steps})"


def draw_figures(spec: FigureSpec, lang: str) -> tuple[Figure, list[Figure]]:
    """The module's handout Figure and its slide Figures (none without slide steps)."""
    module = importlib.import_module(spec.module)
    handout = module.make_figure(lang)
    slides = module.make_slide_figures(lang) if spec.slide_steps else []
    if len(slides) != spec.slide_steps:
        raise ValueError(f"expected {spec.slide_steps} slide figures, got {len(slides)}")
    return handout, slides


def render_figure(spec: FigureSpec, lang: str) -> FigureSVGs:
    """Import the figure's module, draw it, and return its SVGs; errors name the module file."""
    try:
        handout, slides = draw_figures(spec, lang)
    except Exception as error:
        raise figure_error(spec, error) from error
    return FigureSVGs(
        handout=figure_to_svg(handout, spec.title(lang)),
        slides=tuple(
            figure_to_svg(slide, slide_title(spec, lang, step))
            for step, slide in enumerate(slides, start=1)
        ),
    )


def render_elsewhere(specs: list[FigureSpec], lang: str, processes: int = 1) -> list[FigureSVGs]:
    """Render in child processes, so that matplotlib never loads in the build's own.

    ``processes``: at most this many children draw side by side (a build's
    ``-j``); one figure, ShallowBuildUp, is half of the drawing.

    The build process then stays small (about 60 MB less), and so do the
    lesson workers it forks next: a clean 100-lesson build needs ~150 MB less
    in all. Errors come back as the BuildError render_figure raised. The
    child dies with the build (coursebuild/lifetime.py).
    """
    if not specs:
        return []
    children = max(1, min(processes, len(specs)))
    with ProcessPoolExecutor(children, initializer=start_worker, initargs=(os.getpid(),)) as pool:
        try:
            return list(pool.map(render_figure, specs, [lang] * len(specs)))
        except KeyboardInterrupt:
            stop_workers()  # Ctrl-C: the figures still to draw are not waited for
            raise


def figure_error(spec: FigureSpec, error: Exception) -> BuildError:
    """Point at the deepest line of figure code that raised, falling back to the module."""
    path, line = Path("figures") / module_file(spec).name, None
    for frame in traceback.extract_tb(error.__traceback__):
        frame_path = Path(frame.filename)
        if frame_path.parent.name == "figures":
            path, line = Path("figures") / frame_path.name, frame.lineno
    message = f"figure {spec.name} failed: {type(error).__name__}: {error}"
    return BuildError(message, path, line)


def render_figures(
    out_dir: Path,
    lang: str,
    state: BuildState | None = None,
    specs: tuple[FigureSpec, ...] = FIGURES,
    processes: int = 1,
) -> list[BuiltFigure]:
    """Render every stale figure first, then write them all, so a failure writes nothing.

    ``processes``: the children that may draw side by side.
    """
    state = state or BuildState(out_dir / ".unused")
    digests = {spec.name: figure_inputs(spec, lang) for spec in specs}
    stale = [s for s in specs if not state.is_fresh(f"figure:{s.name}", digests[s.name])]
    rendered = {spec.name: svgs for spec in stale if (svgs := from_cache(spec, digests))}
    to_draw = [spec for spec in stale if spec.name not in rendered]
    for spec, svgs in zip(to_draw, render_elsewhere(to_draw, lang, processes), strict=True):
        store_svgs(spec.name, digests[spec.name], [svgs.handout, *svgs.slides])
        rendered[spec.name] = svgs
    for spec in stale:
        files = rendered[spec.name].by_name(spec)
        for name, svg in files.items():
            write_atomic(out_dir / name, svg)
        # One key for all of a figure's files: they are redrawn together.
        state.record(f"figure:{spec.name}", digests[spec.name], files)
    return [built_figure(out_dir, spec, skipped=spec.name not in rendered) for spec in specs]


def from_cache(spec: FigureSpec, digests: dict[str, str]) -> FigureSVGs | None:
    """The figure as drawn by an earlier build from the same inputs (figure_cache.py)."""
    svgs = cached_svgs(spec.name, digests[spec.name], 1 + spec.slide_steps)
    return FigureSVGs(handout=svgs[0], slides=tuple(svgs[1:])) if svgs else None


def built_figure(out_dir: Path, spec: FigureSpec, *, skipped: bool) -> BuiltFigure:
    path, *slide_paths = (out_dir / name for name in output_names(spec))
    return BuiltFigure(spec, path, path.stat().st_size, skipped, slide_paths=tuple(slide_paths))
