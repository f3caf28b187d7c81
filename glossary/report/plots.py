"""Pictures of a corpus: how often the top terms occur in each document, how their surface forms drift over the
years, and the rank/frequency (Zipf) curve of the corpus tokens.

Every figure function returns a matplotlib `Figure` (Agg canvas, no GUI, no pyplot state); `write_plots` saves
them atomically as PNG. Chinese labels are set in a CJK font found without the network (`cjk_font`).

Public API:
    cjk_font() -> CjkFont | None            the font Chinese labels use (path, family, where it was found)
    use_cjk_font() -> str | None            make it matplotlib's default family (notebooks, your own plots)
    token_frequencies(documents, settings=None, segmenter=None) -> Counter   jieba tokens of the running text
    heatmap_figure(mining, documents=None, top=20) -> Figure          (a) concepts x documents (or years), by date
    drift_figure(mining, top=6, min_forms=2) -> Figure                (b) surface forms of a concept by year
    zipf_figure(token_counts) -> Figure                               (c) rank/frequency, log-log
    write_plots(path, mining, documents, token_counts) -> list[Path]  PATH.png, PATH-drift.png, PATH-zipf.png
    statistics_charts(mining, documents, token_counts=None, settings=None) -> list[(title, png bytes)]
    add_statistics_charts(worksheet, mining, documents, ...) -> int   the same charts as images in a worksheet
"""

from __future__ import annotations

import io
import logging
import math
import os
import shutil
import subprocess
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Sequence

import numpy as np
import pandas as pd

from glossary.files import atomic_paths

log = logging.getLogger(__name__)

# characters every Chinese label here needs: a font lacking any of them draws boxes
PROBE_CHARACTERS = "包容和可持续的工业发展国家组织伙伴关系最不达中等收入《》"
FONT_ENV = "GLOSSARY_CJK_FONT"  # a font file to use instead of the search below
LATIN_FALLBACK = "DejaVu Sans"  # matplotlib's own font, always there
PLOT_SUFFIXES = {"heatmap": "", "drift": "-drift", "zipf": "-zipf"}


# --- the font ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CjkFont:
    path: Path
    family: str  # the name matplotlib knows it by: "Noto Sans SC"
    source: str  # "GLOSSARY_CJK_FONT" | "pylopdf-fonts-zh-cn" | "fontconfig" | "matplotlib"


def font_covers(path: str | Path, characters: str = PROBE_CHARACTERS) -> bool:
    """True when the font file (first face of a collection) maps every character to a glyph."""
    from fontTools.ttLib import TTFont

    try:
        font = TTFont(str(path), fontNumber=0, lazy=True)
        cmap = font.getBestCmap() or {}
        font.close()
    except Exception:  # noqa: BLE001 - any unreadable font file is simply not a candidate
        return False
    return all(ord(c) in cmap for c in characters)


def _packaged_font() -> Path | None:
    """Noto Sans SC (SIL OFL 1.1) from the PyPI package pylopdf-fonts-zh-cn, a data-only wheel."""
    try:
        import pylopdf_fonts_zh_cn
    except ImportError:
        return None
    path = Path(pylopdf_fonts_zh_cn.sans_path())
    return path if path.is_file() else None


def _fontconfig_fonts() -> list[Path]:
    """Fonts the system declares for Chinese (`fc-list :lang=zh`), simplified-Chinese sans faces first."""
    if not shutil.which("fc-list"):
        return []
    try:
        listed = subprocess.run(
            ["fc-list", ":lang=zh", "file", "family"], capture_output=True, text=True, timeout=20, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    paths = []
    for line in listed.splitlines():
        file, _, family = line.partition(":")
        if file.strip():
            paths.append((Path(file.strip()), family))

    def preference(item):
        path, family = item
        text = f"{path.name} {family}".lower()
        return (" sc" not in text and "sc-" not in text and "cn" not in text, "serif" in text, "mono" in text,
                path.suffix.lower() == ".ttc", str(path))

    return [path for path, _ in sorted(paths, key=preference)]


def _matplotlib_fonts() -> list[Path]:
    from matplotlib import font_manager

    return sorted({Path(f.fname) for f in font_manager.fontManager.ttflist})


def _candidates() -> Iterator[tuple[Path, str]]:
    if os.environ.get(FONT_ENV):
        yield Path(os.environ[FONT_ENV]), FONT_ENV
    packaged = _packaged_font()
    if packaged:
        yield packaged, "pylopdf-fonts-zh-cn"
    for path in _fontconfig_fonts():
        yield path, "fontconfig"
    for path in _matplotlib_fonts():
        yield path, "matplotlib"


@lru_cache(maxsize=1)
def cjk_font() -> CjkFont | None:
    """The first font with every probe character, registered with matplotlib's font manager.

    Searched in order: the file named by $GLOSSARY_CJK_FONT; Noto Sans SC from the pylopdf-fonts-zh-cn package
    (a dependency); fonts fontconfig lists for Chinese; fonts matplotlib already knows. Nothing is downloaded.
    None (and a warning) when no font has the glyphs: labels then show boxes."""
    from matplotlib import font_manager

    for path, source in _candidates():
        if not path.is_file() or not font_covers(path):
            continue
        try:
            font_manager.fontManager.addfont(str(path))
            family = font_manager.FontProperties(fname=str(path)).get_name()
        except Exception as exc:  # noqa: BLE001 - a font matplotlib cannot read: try the next
            log.debug("cannot use %s: %s", path, exc)
            continue
        return CjkFont(path, family, source)
    log.warning("no font with Chinese glyphs found: Chinese labels will show as boxes "
                "(pip install pylopdf-fonts-zh-cn, or set %s to a .otf/.ttf file)", FONT_ENV)
    return None


def font_families() -> list[str]:
    """font.family for every figure: the CJK font first (it has Latin too), matplotlib's own as fallback."""
    font = cjk_font()
    return [font.family, LATIN_FALLBACK] if font else [LATIN_FALLBACK]


def use_cjk_font() -> str | None:
    """Make the CJK font matplotlib's default (rcParams), for notebooks and your own plots. Returns its family."""
    import matplotlib

    matplotlib.rcParams["font.family"] = font_families()
    matplotlib.rcParams["axes.unicode_minus"] = False
    font = cjk_font()
    return font.family if font else None


STYLE = {
    "font.size": 10,
    "axes.titlesize": 12,
    "axes.titleweight": "normal",  # the bundled CJK font has one weight: bold would fall back with a warning
    "axes.labelsize": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "figure.dpi": 100,
    "savefig.dpi": 120,
    "axes.unicode_minus": False,
}


@contextmanager
def _style():
    import matplotlib

    with matplotlib.rc_context({**STYLE, "font.family": font_families()}):
        yield


def _new_figure(width: float, height: float, **kwargs):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width, height), layout="constrained", **kwargs)
    FigureCanvasAgg(figure)
    return figure


# --- the data behind the pictures ----------------------------------------------------------------------------


def token_frequencies(documents, settings=None, segmenter=None) -> Counter:
    """How often each jieba token occurs in the running text (punctuation and spaces left out), as in
    glossary.stats.corpus_stats: the tokens whose rank/frequency `zipf_figure` draws."""
    from glossary.config import default_settings
    from glossary.mining.shape import PUNCTUATION
    from glossary.mining.segment import Segmenter, default_cache_dir, read_user_dict

    settings = settings or default_settings()
    if segmenter is None:
        segmenter = Segmenter(user_words=read_user_dict(settings.mining.user_dict), cache_dir=default_cache_dir())
    counts: Counter = Counter()
    for doc in documents:
        # tagged per document, cached on disk by content: the same text as `glossary stats` reads
        for tokens in segmenter.tag_document([p.text for p in doc.paragraphs]):
            for token in tokens:
                word = token.word.strip()
                if word and not PUNCTUATION.match(word):
                    counts[word] += 1
    return counts


def _documents_by_date(documents: Sequence) -> list:
    return sorted(documents, key=lambda d: (d.date is None, d.date or "", d.name))


LABEL_CHARS_PER_COLUMN = 11  # what fits in a heatmap column at the tick font size; longer labels are slanted
MAX_LABEL_CHARS = 24  # a file name is cut here (with …): the label names the document, the file is in the data


def document_label(doc) -> str:
    """'2018\\nIDB.46': year over symbol (or file name), short enough to stand under a heatmap column."""
    second = doc.symbol or Path(doc.name).stem
    if len(second) > MAX_LABEL_CHARS:
        second = second[:MAX_LABEL_CHARS - 1] + "…"
    return f"{doc.year}\n{second}" if doc.year else second


def _top_concepts(mining, top: int) -> list[str]:
    terms = mining.terms
    if terms is None or not len(terms):
        return []
    return [str(t) for t in terms["term"].head(top)]


def concept_document_counts(mining, documents: Sequence | None = None, top: int = 20) -> pd.DataFrame:
    """Occurrences of the top concepts (all their forms) per document: rows in rank order, columns the documents
    ordered by date (file names)."""
    documents = _documents_by_date(documents if documents is not None else mining.documents)
    concepts = _top_concepts(mining, top)
    columns = [d.name for d in documents]
    variants = mining.variants
    if not concepts or variants is None or not len(variants):
        return pd.DataFrame(0, index=concepts, columns=columns, dtype=int)
    table = (variants[variants["term"].isin(concepts)]
             .groupby(["term", "document"])["count"].sum()
             .unstack(fill_value=0))
    return table.reindex(index=concepts, columns=columns, fill_value=0).astype(int)


def forms_by_year(mining, concept: str) -> pd.DataFrame:
    """One concept's surface forms (rows, in order of first use) by year (columns): the drift, as counts."""
    variants = mining.variants
    if variants is None or not len(variants):
        return pd.DataFrame()
    rows = variants[(variants["term"] == concept) & (variants["count"] > 0)].copy()
    if not len(rows):
        return pd.DataFrame()
    rows["period"] = [str(int(y)) if pd.notna(y) else "undated" for y in rows["year"]]
    table = rows.groupby(["form", "period"])["count"].sum().unstack(fill_value=0)
    table = table[sorted(table.columns, key=lambda p: (p == "undated", p))]
    first = {form: next(i for i, n in enumerate(table.loc[form]) if n) for form in table.index}
    order = sorted(table.index, key=lambda f: (first[f], -int(table.loc[f].sum()), f))
    return table.loc[order].astype(int)


def drifting_concepts(mining, top: int = 6, min_forms: int = 2, among: int = 100) -> list[str]:
    """The best-ranked concepts (among the first `among`) used in the corpus in at least `min_forms` forms."""
    variants = mining.variants
    if variants is None or not len(variants):
        return []
    used = variants[variants["count"] > 0].groupby("term")["form"].nunique()
    found = [t for t in _top_concepts(mining, among) if used.get(t, 0) >= min_forms]
    return found[:top]


# --- (a) frequency by document --------------------------------------------------------------------------------


MAX_DOCUMENT_COLUMNS = 30  # past this many documents the heatmap has one column per year


def heatmap_figure(mining, documents: Sequence | None = None, top: int = 20, by: str = "auto"):
    """Occurrences of the `top` concepts (rows, best first) in each document (columns, by date, labelled with
    year and symbol); each cell shows its count. `by`: "document", "year" (one column per year, for large
    corpora) or "auto" (documents up to MAX_DOCUMENT_COLUMNS of them, else years)."""
    from matplotlib.colors import PowerNorm

    documents = _documents_by_date(documents if documents is not None else mining.documents)
    table = concept_document_counts(mining, documents, top)
    if by == "auto":
        by = "document" if len(documents) <= MAX_DOCUMENT_COLUMNS else "year"
    if by == "year":
        period = {d.name: str(d.year) if d.year else "undated" for d in documents}
        per_period = Counter(period.values())
        table = table.T.groupby(lambda name: period[name], sort=False).sum().T
        labels = [f"{p}\n{per_period[p]} doc{'s' if per_period[p] != 1 else ''}" for p in table.columns]
        unit = "year"
    elif by == "document":
        labels = [document_label(d) for d in documents]
        unit = "document (ordered by date)"
    else:
        raise ValueError(f"by must be auto, document or year, not {by!r}")
    with _style():
        n_rows, n_cols = max(len(table.index), 1), max(len(labels), 1)
        figure = _new_figure(max(6.5, 3.4 + 0.95 * n_cols), max(3.2, 1.6 + 0.36 * n_rows))
        axes = figure.add_subplot()
        if table.empty or not table.values.any():
            axes.text(0.5, 0.5, "no mined terms", ha="center", va="center", transform=axes.transAxes)
            axes.set_axis_off()
            return figure
        values = table.to_numpy()
        norm = PowerNorm(gamma=0.5, vmin=0, vmax=max(int(values.max()), 1))
        image = axes.imshow(values, aspect="auto", cmap="YlOrRd", norm=norm, interpolation="nearest")
        totals = table.sum(axis=1)
        axes.set_yticks(range(len(table.index)), [f"{t}  ({totals[t]})" for t in table.index])
        axes.tick_params(axis="x", top=True, labeltop=True, bottom=False, labelbottom=False, length=0)
        if max(len(line) for label in labels for line in label.split("\n")) <= LABEL_CHARS_PER_COLUMN:
            axes.set_xticks(range(len(labels)), labels)
        else:  # long symbols or file names (undated documents) would overlap side by side: one slanted line each
            axes.set_xticks(range(len(labels)), [label.replace("\n", " ") for label in labels], rotation=50,
                            ha="left", va="bottom", rotation_mode="anchor")
        axes.tick_params(axis="y", length=0)
        for spine in axes.spines.values():
            spine.set_visible(False)
        axes.set_xticks(np.arange(-0.5, len(labels)), minor=True)
        axes.set_yticks(np.arange(-0.5, len(table.index)), minor=True)
        axes.grid(which="minor", color="white", linewidth=1.5)
        axes.tick_params(which="minor", length=0)
        threshold = norm.inverse(0.6)
        for (row, column), count in np.ndenumerate(values):
            if count:
                axes.text(column, row, str(count), ha="center", va="center", fontsize=9,
                          color="white" if count > threshold else "black")
        colorbar = figure.colorbar(image, ax=axes, shrink=0.6, pad=0.02)
        colorbar.set_label("occurrences")
        axes.set_title(f"Top {len(table.index)} terms: occurrences per {unit}; total in brackets", loc="left", pad=12)
    return figure


# --- (b) drift of surface forms ---------------------------------------------------------------------------------


def drift_figure(mining, top: int = 6, min_forms: int = 2):
    """One panel per concept used in at least `min_forms` forms (best-ranked first, at most `top`): x = year,
    y = surface form in order of first use, a dot sized by and labelled with its count; ★ marks the canonical form."""
    concepts = drifting_concepts(mining, top, min_forms)
    documents = mining.documents or []
    years = sorted({str(d.year) for d in documents if d.year})
    if any(not d.year for d in documents):
        years.append("undated")
    tables = [(c, forms_by_year(mining, c)) for c in concepts]
    tables = [(c, t) for c, t in tables if len(t)]
    with _style():
        if not tables:
            figure = _new_figure(7, 2.2)
            axes = figure.add_subplot()
            axes.text(0.5, 0.5, f"No concept among the top terms occurs in {min_forms} or more forms",
                      ha="center", va="center", transform=axes.transAxes)
            axes.set_axis_off()
            return figure
        heights = [len(t.index) + 1.6 for _, t in tables]
        longest = max(len(str(f)) for _, t in tables for f in t.index)
        width = min(16.0, max(9.0, 2.6 + 0.17 * longest + 1.05 * len(years)))
        figure = _new_figure(width, 0.95 + 0.36 * sum(heights))
        grid = figure.add_gridspec(len(tables), 1, height_ratios=heights)
        biggest = max(int(t.to_numpy().max()) for _, t in tables)
        colours = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
        for index, (concept, table) in enumerate(tables):
            axes = figure.add_subplot(grid[index])
            x_of = {year: i for i, year in enumerate(years)}
            for row, form in enumerate(table.index):
                colour = colours[row % len(colours)]
                axes.axhline(row, color="#e6e6e6", linewidth=0.8, zorder=0)
                for period, count in table.loc[form].items():
                    if not count or period not in x_of:
                        continue
                    size = 60 + 900 * math.sqrt(count / biggest)
                    axes.scatter([x_of[period]], [row], s=size, color=colour, alpha=0.85, zorder=2,
                                 edgecolors="white", linewidths=0.8)
                    axes.annotate(f"×{count}", (x_of[period], row), xytext=(0, 0), textcoords="offset points",
                                  ha="center", va="center", fontsize=8.5, color="white", zorder=3)
            axes.set_xlim(-0.6, len(years) - 0.4)
            axes.set_ylim(len(table.index) - 0.4, -0.6)
            axes.set_xticks(range(len(years)), years)
            canonical = concept.strip("《》")
            axes.set_yticks(range(len(table.index)),
                            [f"★ {form}" if form == canonical else form for form in table.index])
            for row, label in enumerate(axes.get_yticklabels()):
                label.set_color(colours[row % len(colours)])
            axes.tick_params(axis="y", length=0, labelsize=11)
            axes.tick_params(axis="x", length=0)
            axes.spines["left"].set_visible(False)
            for year in range(len(years)):
                axes.axvline(year, color="#f0f0f0", linewidth=0.8, zorder=0)
            total = int(table.to_numpy().sum())
            axes.set_title(f"{concept}: {len(table.index)} forms, {total} occurrences", loc="left", fontsize=11.5)
        figure.suptitle("How the top terms are written, year by year (dot size = count; ★ = canonical form)",
                        x=0.01, ha="left", fontsize=13)
    return figure


# --- (c) Zipf -----------------------------------------------------------------------------------------------------


def _as_counts(token_counts) -> tuple[list[int], list[str]]:
    if isinstance(token_counts, Mapping):
        ranked = sorted(token_counts.items(), key=lambda item: (-item[1], str(item[0])))
        return [int(n) for _, n in ranked if n > 0], [str(w) for w, n in ranked if n > 0]
    counts = sorted((int(n) for n in token_counts if n > 0), reverse=True)
    return counts, []


def zipf_slope(counts: Sequence[int]) -> float:
    """Least-squares slope of log frequency on log rank (about -1 for natural-language text)."""
    if len(counts) < 2:
        return float("nan")
    ranks = np.arange(1, len(counts) + 1)
    slope, _ = np.polyfit(np.log10(ranks), np.log10(np.asarray(counts, dtype=float)), 1)
    return float(slope)


def zipf_figure(token_counts: Mapping[str, int] | Iterable[int], label_top: int = 10):
    """Rank/frequency of the corpus tokens on log-log axes, beside the ideal Zipf line f(r) = f(1)/r; the most
    frequent tokens are named. `token_counts`: token -> count (token_frequencies) or plain counts."""
    counts, words = _as_counts(token_counts)
    with _style():
        figure = _new_figure(8.5, 5.6)
        axes = figure.add_subplot()
        if not counts:
            axes.text(0.5, 0.5, "no tokens", ha="center", va="center", transform=axes.transAxes)
            axes.set_axis_off()
            return figure
        ranks = np.arange(1, len(counts) + 1)
        slope = zipf_slope(counts)
        axes.loglog(ranks, counts, marker="o", markersize=3, linestyle="none", color="#1f77b4", alpha=0.55,
                    label=f"{len(counts):,} token types, {sum(counts):,} tokens (fitted slope {slope:.2f})")
        axes.loglog(ranks, counts[0] / ranks, color="#d62728", linestyle="--", linewidth=1.2,
                    label="Zipf's law: f(r) = f(1) / r")
        hapax = sum(1 for n in counts if n == 1)
        if hapax:
            axes.axhspan(0.8, 1.25, color="#dddddd", alpha=0.5, zorder=0,
                         label=f"hapax legomena (count 1): {hapax:,} types")
        if words and label_top > 0:
            shown = min(label_top, len(words))
            axes.loglog(ranks[:shown], counts[:shown], marker="o", markersize=5, linestyle="none",
                        color="#ff7f0e", label=f"the {shown} most frequent tokens (listed)")
            for rank, word in enumerate(words[:3], start=1):  # the first few stand far enough apart to name
                axes.annotate(word, (rank, counts[rank - 1]), xytext=(7, 3), textcoords="offset points",
                              fontsize=11, color="#333333")
            listing = "\n".join(f"{rank:>2}. {word}  {count:,}" for rank, (word, count)
                                 in enumerate(zip(words[:shown], counts[:shown]), start=1))
            axes.text(0.985, 0.975, "most frequent\n" + listing, transform=axes.transAxes, ha="right", va="top",
                      fontsize=10, linespacing=1.35, multialignment="left",
                      bbox={"boxstyle": "round,pad=0.5", "facecolor": "white", "edgecolor": "#cccccc"})
        axes.set_xlabel("rank (log scale)")
        axes.set_ylabel("frequency (log scale)")
        axes.set_ylim(0.7, counts[0] * 2.2)
        axes.set_xlim(0.8, len(counts) * 1.3)
        axes.grid(True, which="major", color="#eeeeee")
        axes.legend(loc="lower left", bbox_to_anchor=(0.0, 0.09), frameon=False)
        axes.set_title("Rank / frequency of the corpus tokens (jieba), log-log", loc="left")
    return figure


# --- saving ------------------------------------------------------------------------------------------------------


def figure_png(figure) -> bytes:
    buffer = io.BytesIO()
    with _style():
        figure.savefig(buffer, format="png")
    return buffer.getvalue()


def plot_paths(path: str | Path) -> dict[str, Path]:
    """PATH.png -> {'heatmap': PATH.png, 'drift': PATH-drift.png, 'zipf': PATH-zipf.png}."""
    path = Path(path)
    stem, suffix = path.stem, path.suffix or ".png"
    return {kind: path.with_name(f"{stem}{extra}{suffix}") for kind, extra in PLOT_SUFFIXES.items()}


def all_figures(mining, documents: Sequence, token_counts, top: int = 20, drift_top: int = 6) -> dict:
    return {
        "heatmap": heatmap_figure(mining, documents, top=top),
        "drift": drift_figure(mining, top=drift_top),
        "zipf": zipf_figure(token_counts),
    }


def write_plots(path: str | Path, mining, documents: Sequence, token_counts, top: int = 20,
                drift_top: int = 6) -> list[Path]:
    """Write PATH.png (term frequency by document), PATH-drift.png (variants by year) and PATH-zipf.png
    (rank/frequency). Every file is rendered to a temporary file beside it first and renamed only when all three
    rendered, so a failure leaves no half-written or mixed set."""
    targets = plot_paths(path)
    figures = all_figures(mining, documents, token_counts, top, drift_top)
    with atomic_paths([targets[kind] for kind in figures], suffix=".png") as temporaries:
        for tmp, figure in zip(temporaries, figures.values()):
            tmp.write_bytes(figure_png(figure))
    return [targets[kind] for kind in figures]


# --- the workbook's Statistics sheet ----------------------------------------------------------------------------

CHART_TITLES = {
    "heatmap": "Term frequency by document",
    "drift": "Variants of the top terms by year",
    "zipf": "Rank / frequency of the corpus tokens",
}


def statistics_charts(mining, documents: Sequence, token_counts=None, settings=None, top: int = 20,
                      drift_top: int = 6) -> list[tuple[str, bytes]]:
    """The three charts as (title, PNG bytes), for the workbook's Statistics sheet. Token counts are computed
    (token_frequencies) when not given."""
    if token_counts is None:
        token_counts = token_frequencies(documents, settings)
    figures = all_figures(mining, documents, token_counts, top, drift_top)
    return [(CHART_TITLES[kind], figure_png(figure)) for kind, figure in figures.items()]


def add_statistics_charts(worksheet, mining, documents: Sequence, token_counts=None, settings=None,
                          start_row: int | None = None, column: str = "A", charts=None,
                          scale: float = 0.8) -> int:
    """Anchor the charts as images in `worksheet`, one under the other below its last used row (or from
    `start_row`), each under a bold title cell. Returns the first free row after them.

    `charts`: (title, PNG bytes) pairs already made (statistics_charts), to avoid rendering twice."""
    from openpyxl.drawing.image import Image
    from openpyxl.styles import Font

    charts = charts if charts is not None else statistics_charts(mining, documents, token_counts, settings)
    row = start_row if start_row is not None else (worksheet.max_row + 3 if worksheet.max_row > 1 else 1)
    row_height_px = 20  # openpyxl's default row: 15 points
    for title, png in charts:
        cell = worksheet[f"{column}{row}"]
        cell.value = title
        cell.font = Font(bold=True, size=12)  # a spreadsheet cell: the reader's own font, bold is fine
        image = Image(io.BytesIO(png))
        image.width, image.height = int(image.width * scale), int(image.height * scale)
        worksheet.add_image(image, f"{column}{row + 1}")
        row += 1 + math.ceil(image.height / row_height_px) + 2
    return row
