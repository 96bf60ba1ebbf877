"""The one place that builds what Jinja sees: in lessons and in the templates."""

from __future__ import annotations

import base64
import dataclasses
import mimetypes
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from coursebuild.core.errors import BuildError
from coursebuild.core.templates import plain_data
from coursebuild.reading.course import Course
from figures.examples import BOOK_PHI, BOOK_THETA

MODELS_FILE = "models.toml"
FINNISH_NUMBER_WORDS = (
    "nolla",
    "yksi",
    "kaksi",
    "kolme",
    "neljä",
    "viisi",
    "kuusi",
    "seitsemän",
    "kahdeksan",
    "yhdeksän",
    "kymmenen",
)


@dataclass(frozen=True)
class NetworkFacts:
    """Counts of the lesson's network (figures.network.BOOK_NET), for the text."""

    n_inputs: int
    n_hidden: int
    n_outputs: int
    hidden_weights: int  # arrows from the inputs to the hidden units
    hidden_biases: int
    n_hidden_params: int
    n_params: int


@dataclass(frozen=True)
class Model:
    name: str
    url: str
    parameters_millions: int
    tensor_type: str
    bytes_per_value: int
    optimisation: str

    @property
    def memory_mb(self) -> int:
        """Memory for the weights alone: parameters × bytes per value."""
        return self.parameters_millions * self.bytes_per_value


def network_facts() -> NetworkFacts:
    """Counted from the parameters figures.network.BOOK_NET is made of (tests check they agree)."""
    n_inputs = 1  # ShallowNet maps one input x to one output y
    n_hidden = len(BOOK_THETA)
    n_hidden_params = sum(len(row) for row in BOOK_THETA)
    return NetworkFacts(
        n_inputs=n_inputs,
        n_hidden=n_hidden,
        n_outputs=1,
        hidden_weights=n_inputs * n_hidden,
        hidden_biases=n_hidden,
        n_hidden_params=n_hidden_params,
        n_params=n_hidden_params + len(BOOK_PHI),
    )


def load_models(path: Path) -> list[Model]:
    if not path.exists():
        return []
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        sizes = data["bytes_per_value"]
        return [
            Model(
                name=entry["name"],
                url=entry["url"],
                parameters_millions=entry["parameters_millions"],
                tensor_type=entry["tensor_type"],
                bytes_per_value=sizes[entry["tensor_type"]],
                optimisation=entry["optimisation"],
            )
            for entry in data["model"]
        ]
    except (tomllib.TOMLDecodeError, KeyError, TypeError) as error:
        raise BuildError(f"model table is not valid: {error!r}", path) from None


def number_in_words(value: int) -> str:
    """Finnish word for a small count ('kuusi'); digits beyond ten."""
    if 0 <= value < len(FINNISH_NUMBER_WORDS):
        return FINNISH_NUMBER_WORDS[value]
    return str(value)


def lesson_context(course: Course) -> Mapping:
    """Names a lesson page may use in {{ … }}: plain, read-only data."""
    models = load_models(course.lessons_dir / MODELS_FILE)
    return plain_data(
        {
            "course": course_data(course),
            "net": dataclasses.asdict(network_facts()),
            "models": [{**dataclasses.asdict(m), "memory_mb": m.memory_mb} for m in models],
        }
    )


def course_data(course: Course) -> dict:
    """What a template may know of the course: its texts, never its folders or the object."""
    return {
        "title": course.title,
        "author": course.author,
        "licence": course.licence,
        "language": course.language,
        # The title slide's network drawing is this course's (course.toml), no site's.
        "own_drawing": course.config_path.name == "course.toml",
    }


def logo_uri(path: Path) -> str:
    kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


FILTERS = {"sanoin": number_in_words}
