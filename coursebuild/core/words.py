"""Every word the build adds to a lesson's outputs, one table a language.

The site's language (``theme.language``, or ``--lang``) chooses the table; a
language without one gets English, and the build says so once. The tables
reach the templates as ``words`` and the Lua filters as the ``words`` metadata
(coursebuild/lesson/make.py). Admonition titles are the ones an untitled box
gets; Python-Markdown's own would be its type, capitalised ("Tip").
"""

from __future__ import annotations

import datetime

FALLBACK = "en"

WORDS: dict[str, dict] = {
    "fi": {
        "continued": "jatkuu",
        "excerpt_lines": "⋯ {n} riviä lisää – koko koodi monisteessa",
        "excerpt_items": "⋯ {n} kohtaa lisää – kaikki monisteessa",
        "excerpt_rows": "⋯ {n} riviä lisää – koko taulukko monisteessa",
        "excerpt_rest": "⋯ loput monisteessa",
        "figure": "Kuva",
        "table": "Taulukko",
        "diagram": "Kaavio",
        "sources": "Lähteet",
        "author": "Tekijä",
        "updated": "Päivitetty",
        "licence": "Lisenssi",
        "speaker_notes": "Puhujan muistiinpanot",
        "notes_key": "Puhujan muistiinpanot: paina S",
        "lectures": "Luennot",
        "slides_html": "Diat (HTML)",
        "slides_pdf": "Diat (PDF)",
        "handout_pdf": "Moniste (PDF)",
        "slide_one": "dia",
        "slide_many": "diaa",
        "page_one": "sivu",
        "page_many": "sivua",
        "kilobytes": "kt",
        "megabytes": "Mt",
        "decimal": ",",
        "offline": "Diat toimivat ilman verkkoyhteyttä: lataa HTML-tiedosto ja avaa se selaimessa.",
        "notes_hint": "Puhujan muistiinpanot aukeavat S-näppäimellä.",
        "unavailable": "Ei saatavilla: sivua ei voitu rakentaa.",
        "image_not_fetched": "Kuvaa ei voitu hakea",
        "image_missing": "Kuvaa ei löydy",
        "video": "Video",
        "link": "Linkki",
        "date": "{d}.{m}.{y}",
        "admonitions": {
            "note": "Huomio",
            "abstract": "Tiivistelmä",
            "info": "Tietoa",
            "tip": "Vinkki",
            "success": "Onnistui",
            "question": "Tehtävä",
            "warning": "Varoitus",
            "failure": "Epäonnistui",
            "danger": "Vaara",
            "bug": "Bugi",
            "example": "Esimerkki",
            "quote": "Lainaus",
        },
    },
    "en": {
        "continued": "continued",
        "excerpt_lines": "⋯ {n} more lines – the full code is in the handout",
        "excerpt_items": "⋯ {n} more items – all of them in the handout",
        "excerpt_rows": "⋯ {n} more rows – the full table is in the handout",
        "excerpt_rest": "⋯ the rest is in the handout",
        "figure": "Figure",
        "table": "Table",
        "diagram": "Diagram",
        "sources": "References",
        "author": "Author",
        "updated": "Updated",
        "licence": "Licence",
        "speaker_notes": "Speaker notes",
        "notes_key": "Speaker notes: press S",
        "lectures": "Lectures",
        "slides_html": "Slides (HTML)",
        "slides_pdf": "Slides (PDF)",
        "handout_pdf": "Handout (PDF)",
        "slide_one": "slide",
        "slide_many": "slides",
        "page_one": "page",
        "page_many": "pages",
        "kilobytes": "kB",
        "megabytes": "MB",
        "decimal": ".",
        "offline": "The slides work offline: download the HTML file and open it in a browser.",
        "notes_hint": "Press S for the speaker notes.",
        "unavailable": "Not available: the page could not be built.",
        "image_not_fetched": "The image could not be fetched",
        "image_missing": "The image is missing",
        "video": "Video",
        "link": "Link",
        "date": "{y}-{mm}-{dd}",
        "admonitions": {
            "note": "Note",
            "abstract": "Abstract",
            "info": "Info",
            "tip": "Tip",
            "success": "Success",
            "question": "Question",
            "warning": "Warning",
            "failure": "Failure",
            "danger": "Danger",
            "bug": "Bug",
            "example": "Example",
            "quote": "Quote",
        },
    },
    "fr": {
        "continued": "suite",
        "excerpt_lines": "⋯ {n} lignes de plus – le code complet est dans le polycopié",
        "excerpt_items": "⋯ {n} éléments de plus – tous sont dans le polycopié",
        "excerpt_rows": "⋯ {n} lignes de plus – le tableau complet est dans le polycopié",
        "excerpt_rest": "⋯ la suite est dans le polycopié",
        "figure": "Figure",
        "table": "Tableau",
        "diagram": "Diagramme",
        "sources": "Références",
        "author": "Auteur",
        "updated": "Mis à jour",
        "licence": "Licence",
        "speaker_notes": "Notes de l’orateur",
        "notes_key": "Notes de l’orateur : touche S",
        "lectures": "Cours",
        "slides_html": "Diapositives (HTML)",
        "slides_pdf": "Diapositives (PDF)",
        "handout_pdf": "Polycopié (PDF)",
        "slide_one": "diapositive",
        "slide_many": "diapositives",
        "page_one": "page",
        "page_many": "pages",
        "kilobytes": "ko",
        "megabytes": "Mo",
        "decimal": ",",
        "offline": "Les diapositives fonctionnent hors ligne : téléchargez le fichier HTML "
        "et ouvrez-le dans un navigateur.",
        "notes_hint": "La touche S ouvre les notes de l’orateur.",
        "unavailable": "Indisponible : la page n’a pas pu être construite.",
        "image_not_fetched": "L’image n’a pas pu être récupérée",
        "image_missing": "L’image est introuvable",
        "video": "Vidéo",
        "link": "Lien",
        "date": "{dd}/{mm}/{y}",
        "admonitions": {
            "note": "Remarque",
            "abstract": "Résumé",
            "info": "Info",
            "tip": "Astuce",
            "success": "Succès",
            "question": "Question",
            "warning": "Attention",
            "failure": "Échec",
            "danger": "Danger",
            "bug": "Bogue",
            "example": "Exemple",
            "quote": "Citation",
        },
    },
    "sv": {
        "continued": "forts.",
        "excerpt_lines": "⋯ {n} rader till – hela koden finns i kompendiet",
        "excerpt_items": "⋯ {n} punkter till – alla finns i kompendiet",
        "excerpt_rows": "⋯ {n} rader till – hela tabellen finns i kompendiet",
        "excerpt_rest": "⋯ resten finns i kompendiet",
        "figure": "Figur",
        "table": "Tabell",
        "diagram": "Diagram",
        "sources": "Källor",
        "author": "Författare",
        "updated": "Uppdaterad",
        "licence": "Licens",
        "speaker_notes": "Talaranteckningar",
        "notes_key": "Talaranteckningar: tryck S",
        "lectures": "Föreläsningar",
        "slides_html": "Bilder (HTML)",
        "slides_pdf": "Bilder (PDF)",
        "handout_pdf": "Kompendium (PDF)",
        "slide_one": "bild",
        "slide_many": "bilder",
        "page_one": "sida",
        "page_many": "sidor",
        "kilobytes": "kB",
        "megabytes": "MB",
        "decimal": ",",
        "offline": "Bilderna fungerar utan nätverk: ladda ner HTML-filen "
        "och öppna den i en webbläsare.",
        "notes_hint": "Tangenten S öppnar talaranteckningarna.",
        "unavailable": "Inte tillgänglig: sidan kunde inte byggas.",
        "image_not_fetched": "Bilden kunde inte hämtas",
        "image_missing": "Bilden saknas",
        "video": "Video",
        "link": "Länk",
        "date": "{y}-{mm}-{dd}",
        "admonitions": {
            "note": "Obs",
            "abstract": "Sammanfattning",
            "info": "Info",
            "tip": "Tips",
            "success": "Klart",
            "question": "Uppgift",
            "warning": "Varning",
            "failure": "Misslyckades",
            "danger": "Fara",
            "bug": "Bugg",
            "example": "Exempel",
            "quote": "Citat",
        },
    },
    "de": {
        "continued": "Forts.",
        "excerpt_lines": "⋯ {n} weitere Zeilen – der ganze Code steht im Skript",
        "excerpt_items": "⋯ {n} weitere Punkte – alle stehen im Skript",
        "excerpt_rows": "⋯ {n} weitere Zeilen – die ganze Tabelle steht im Skript",
        "excerpt_rest": "⋯ der Rest steht im Skript",
        "figure": "Abbildung",
        "table": "Tabelle",
        "diagram": "Diagramm",
        "sources": "Quellen",
        "author": "Autor",
        "updated": "Aktualisiert",
        "licence": "Lizenz",
        "speaker_notes": "Sprechernotizen",
        "notes_key": "Sprechernotizen: Taste S",
        "lectures": "Vorlesungen",
        "slides_html": "Folien (HTML)",
        "slides_pdf": "Folien (PDF)",
        "handout_pdf": "Skript (PDF)",
        "slide_one": "Folie",
        "slide_many": "Folien",
        "page_one": "Seite",
        "page_many": "Seiten",
        "kilobytes": "kB",
        "megabytes": "MB",
        "decimal": ",",
        "offline": "Die Folien funktionieren offline: HTML-Datei herunterladen "
        "und im Browser öffnen.",
        "notes_hint": "Die Taste S öffnet die Sprechernotizen.",
        "unavailable": "Nicht verfügbar: die Seite konnte nicht gebaut werden.",
        "image_not_fetched": "Das Bild konnte nicht geladen werden",
        "image_missing": "Das Bild fehlt",
        "video": "Video",
        "link": "Link",
        "date": "{d}.{m}.{y}",
        "admonitions": {
            "note": "Hinweis",
            "abstract": "Zusammenfassung",
            "info": "Info",
            "tip": "Tipp",
            "success": "Erfolg",
            "question": "Aufgabe",
            "warning": "Warnung",
            "failure": "Fehlschlag",
            "danger": "Gefahr",
            "bug": "Fehler",
            "example": "Beispiel",
            "quote": "Zitat",
        },
    },
}


# How a box's title says it is an exercise, in every language the build
# knows and a few more: an author may title one in another language than the
# site's, or give it a type other than Material's question (terminale-nsi's
# "!!! example "Exercice 3""). The start of a word, lower case.
EXERCISE_WORDS = (
    "tehtävä",
    "harjoitus",
    "exercise",
    "exercice",
    "uppgift",
    "övning",
    "aufgabe",
    "übung",
    "ejercicio",
    "esercizio",
)


def words_language(language: str | None) -> str:
    """The table for ``language`` ("fi", "en-GB", "pt_BR"): its own, or English."""
    base = (language or FALLBACK).replace("_", "-").split("-")[0].lower()
    return base if base in WORDS else FALLBACK


def words_for(language: str | None) -> dict:
    """The table for ``language``, with ``language``: the table's own code."""
    code = words_language(language)
    return {**WORDS[code], "language": code}


def missing_language_warning(language: str | None, where: str) -> str | None:
    """One warning when the site's language has no table (its pages get English)."""
    if language and words_language(language) == FALLBACK and not language.lower().startswith("en"):
        return f"{where}: no words for language '{language}' in the build; English is used"
    return None


def format_date(day: datetime.date, language: str | None) -> str:
    """``day`` as the language writes it in numbers: 6.12.2026, 2026-12-06, 06/12/2026."""
    pattern = words_for(language)["date"]
    return pattern.format(
        d=day.day, m=day.month, y=day.year, dd=f"{day.day:02d}", mm=f"{day.month:02d}"
    )


def continued_mark(language: str | None) -> str:
    """What a continuation slide's title ends with: " (jatkuu)", " (continued)"."""
    return f" ({words_for(language)['continued']})"


def excerpt_words(language: str | None) -> dict[str, str]:
    """What the layout pass says an excerpt leaves out, "⋯ 12 riviä lisää – …" ({n}: how many)."""
    words = words_for(language)
    return {
        "lines": words["excerpt_lines"],
        "items": words["excerpt_items"],
        "rows": words["excerpt_rows"],
        "rest": words["excerpt_rest"],
    }
