"""The figures stage: run each figure module and save its Figure as SVG."""

from __future__ import annotations

import importlib
import io
import traceback
from dataclasses import dataclass
from pathlib import Path

from coursebuild.atomic import write_atomic
from coursebuild.errors import BuildError
from figures.catalogue import FIGURES, FigureSpec
from figures.style import course_style


@dataclass(frozen=True)
class BuiltFigure:
    spec: FigureSpec
    path: Path
    size: int


def figure_to_svg(figure, title: str) -> bytes:
    """Serialise a matplotlib Figure to SVG bytes that are the same on every run."""
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


def figure_error(spec: FigureSpec, error: Exception) -> BuildError:
    """Point at the deepest line of figure code that raised, falling back to the module."""
    module_path = Path(spec.module.replace(".", "/") + ".py")
    path, line = module_path, None
    for frame in traceback.extract_tb(error.__traceback__):
        frame_path = Path(frame.filename)
        if frame_path.parent.name == "figures":
            path, line = Path("figures") / frame_path.name, frame.lineno
    message = f"figure {spec.name} failed: {type(error).__name__}: {error}"
    return BuildError(message, path, line)


def build_figures(
    out_dir: Path, lang: str, specs: tuple[FigureSpec, ...] = FIGURES
) -> list[BuiltFigure]:
    """Render every figure first, then write them all, so a failure writes nothing."""
    rendered = [(spec, render_figure(spec, lang)) for spec in specs]
    built = []
    for spec, svg in rendered:
        path = out_dir / "images" / f"{spec.name}.svg"
        write_atomic(path, svg)
        built.append(BuiltFigure(spec=spec, path=path, size=len(svg)))
    return built
