"""glossary.plots: the CJK font, the three figures on the seed corpus, atomic PNG writing, the CLI's --plot and
the charts for the workbook's Statistics sheet."""

from __future__ import annotations

import io
import warnings
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from glossary.report import plots

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
ISID = "包容和可持续的工业发展"


@pytest.fixture(scope="module")
def mining(seed_corpus, settings):
    from glossary.mining.mine import mine_corpus

    return mine_corpus(seed_corpus.documents, settings)


@pytest.fixture(scope="module")
def token_counts(seed_corpus, settings):
    return plots.token_frequencies(seed_corpus.documents, settings)


def render_warnings(figure) -> list[str]:
    """Draw a figure to PNG and return the warnings it raised (matplotlib warns 'Glyph … missing from font')."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        png = plots.figure_png(figure)
    assert png.startswith(PNG_SIGNATURE)
    return [str(w.message) for w in caught]


# --- the font ----------------------------------------------------------------------------------------------------


def test_the_cjk_font_comes_from_the_pypi_package_and_is_registered():
    from matplotlib import font_manager

    font = plots.cjk_font()
    assert font is not None
    assert font.source == "pylopdf-fonts-zh-cn" and font.family == "Noto Sans SC"
    assert font.path.suffix == ".otf" and font.path.is_file()
    assert any(entry.name == font.family for entry in font_manager.fontManager.ttflist)
    assert Path(font_manager.findfont(font_manager.FontProperties(family=font.family))) == font.path


def test_the_font_has_every_character_the_seed_terms_need(mining):
    from fontTools.ttLib import TTFont

    cmap = TTFont(str(plots.cjk_font().path), lazy=True).getBestCmap()
    for character in "包容续国":
        assert ord(character) in cmap
    labels = set("".join(mining.terms["term"].head(50))) | set("".join(mining.variants["form"]))
    missing = sorted(c for c in labels if not c.isspace() and ord(c) not in cmap)
    assert missing == []
    assert plots.font_covers(plots.cjk_font().path, "".join(sorted(labels)))


def test_font_covers_is_false_for_a_latin_font():
    from matplotlib import font_manager

    dejavu = font_manager.findfont(font_manager.FontProperties(family="DejaVu Sans"))
    assert not plots.font_covers(dejavu, "包容")
    assert plots.font_covers(dejavu, "abc")


def test_a_chinese_label_draws_without_missing_glyph_warnings_and_the_check_would_catch_them():
    import matplotlib

    with plots._style():
        figure = plots._new_figure(3, 2)
        figure.add_subplot().set_title(ISID + "：包容及可持续工业发展《》")
    assert not [w for w in render_warnings(figure) if "missing from font" in w]

    # the same label in a Latin-only font warns: the assertion above really looks at glyphs
    with matplotlib.rc_context({"font.family": ["DejaVu Sans"]}):
        figure = plots._new_figure(3, 2)
        figure.add_subplot().set_title(ISID)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            figure.savefig(io.BytesIO(), format="png")
    assert any("missing from font" in str(w.message) for w in caught)


def test_font_env_variable_overrides_the_search(monkeypatch, tmp_path):
    font = plots.cjk_font()
    copy = tmp_path / "MyChinese.otf"
    copy.write_bytes(font.path.read_bytes())
    monkeypatch.setenv(plots.FONT_ENV, str(copy))
    plots.cjk_font.cache_clear()
    try:
        chosen = plots.cjk_font()
        assert chosen.path == copy and chosen.source == plots.FONT_ENV
    finally:
        monkeypatch.delenv(plots.FONT_ENV)
        plots.cjk_font.cache_clear()
    assert plots.cjk_font().source == "pylopdf-fonts-zh-cn"


# --- (a) heatmap ---------------------------------------------------------------------------------------------------


def test_concept_document_counts_orders_documents_by_date(mining, seed_corpus):
    table = plots.concept_document_counts(mining, seed_corpus.documents, top=20)
    assert len(table) == 20 and list(table.index) == list(mining.terms["term"].head(20))
    assert [name[:3] for name in table.columns] == ["001", "002", "003", "004", "000"]  # 2018 … 2024
    assert table.loc["工发组织"].sum() == 184
    assert table.loc[ISID].tolist() == [18, 3, 8, 0, 0]


def test_heatmap_figure_labels_rows_with_terms_and_columns_with_years(mining, seed_corpus):
    figure = plots.heatmap_figure(mining, seed_corpus.documents, top=20)
    axes = figure.axes[0]
    rows = [label.get_text() for label in axes.get_yticklabels()]
    columns = [label.get_text() for label in axes.get_xticklabels()]
    assert len(rows) == 20 and rows[0].startswith("工发组织")
    assert columns == ["2018\nIDB.46", "2020\nIDB.48", "2021\nGC.19", "2023\nGC.20", "2024\nIDB.52"]
    cells = {text.get_text() for text in axes.texts}
    assert {"46", "53", "18"} <= cells
    assert not [w for w in render_warnings(figure) if "missing" in w]


def test_heatmap_of_an_empty_mining_result_draws_a_note():
    import pandas as pd

    from glossary.mining.mine import MiningResult

    empty = MiningResult(pd.DataFrame(columns=["term"]), pd.DataFrame(), pd.DataFrame(), pd.DataFrame(), [])
    assert plots.heatmap_figure(empty, []).axes[0].texts[0].get_text() == "no mined terms"
    assert "No concept" in plots.drift_figure(empty).axes[0].texts[0].get_text()


# --- (b) drift -----------------------------------------------------------------------------------------------------


def test_forms_by_year_shows_the_isid_drift(mining):
    table = plots.forms_by_year(mining, ISID)
    assert list(table.columns) == ["2018", "2020", "2021"]
    # in order of first use: the 2018 forms, then 2020's, then 2021's
    assert list(table.index) == ["包容和可持续的工业发展", "包容和可持续工业发展", "包容及可持续工业发展", "包容可持续工业发展"]
    assert table.loc["包容和可持续的工业发展", "2018"] == 12
    assert table.loc["包容及可持续工业发展", "2020"] == 3
    assert table.loc["包容可持续工业发展", "2021"] == 8


def test_drift_figure_has_one_panel_per_concept_with_several_forms(mining):
    concepts = plots.drifting_concepts(mining, top=6)
    assert concepts[0] == ISID and "国家伙伴关系方案" in concepts
    figure = plots.drift_figure(mining, top=6)
    assert len(figure.axes) == len(concepts)
    first = figure.axes[0]
    assert first.get_title(loc="left").startswith(ISID)
    forms = [label.get_text() for label in first.get_yticklabels()]
    assert forms[0] == "★ " + ISID and "包容可持续工业发展" in forms  # ★ marks the canonical form
    assert [label.get_text() for label in first.get_xticklabels()] == ["2018", "2020", "2021", "2023", "2024"]
    assert {"×12", "×3", "×8"} <= {text.get_text() for text in first.texts}
    assert not [w for w in render_warnings(figure) if "missing" in w]


# --- (c) Zipf ------------------------------------------------------------------------------------------------------


def test_zipf_slope_of_an_ideal_distribution_is_minus_one():
    counts = [round(10000 / rank) for rank in range(1, 200)]
    assert plots.zipf_slope(counts) == pytest.approx(-1.0, abs=0.02)


def test_zipf_figure_on_the_seed_tokens(token_counts):
    assert token_counts.most_common(1)[0][0] == "的"
    figure = plots.zipf_figure(token_counts)
    axes = figure.axes[0]
    assert axes.get_xscale() == "log" and axes.get_yscale() == "log"
    legend = [text.get_text() for text in axes.get_legend().get_texts()]
    assert any(f"{len(token_counts):,} token types" in text for text in legend)
    assert any("1. 的" in text.get_text() for text in axes.texts)
    assert not [w for w in render_warnings(figure) if "missing" in w]


def test_zipf_figure_takes_plain_counts_too():
    figure = plots.zipf_figure([5, 3, 1, 1, 0])
    assert "4 token types, 10 tokens" in figure.axes[0].get_legend().get_texts()[0].get_text()
    assert plots.zipf_figure(Counter()).axes[0].texts[0].get_text() == "no tokens"


# --- writing -----------------------------------------------------------------------------------------------------


def test_write_plots_writes_three_pngs_and_no_temporary_files(tmp_path, mining, seed_corpus, token_counts):
    written = plots.write_plots(tmp_path / "out" / "corpus.png", mining, seed_corpus.documents, token_counts)
    assert [p.name for p in written] == ["corpus.png", "corpus-drift.png", "corpus-zipf.png"]
    for path in written:
        assert path.read_bytes().startswith(PNG_SIGNATURE)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in written)


def test_write_plots_leaves_old_files_alone_when_a_figure_fails(tmp_path, monkeypatch, mining, seed_corpus):
    target = tmp_path / "corpus.png"
    target.write_bytes(b"old")
    calls = []

    def failing_png(figure):
        calls.append(figure)
        if len(calls) == 2:
            raise RuntimeError("disk full")
        return PNG_SIGNATURE

    monkeypatch.setattr(plots, "figure_png", failing_png)
    with pytest.raises(RuntimeError):
        plots.write_plots(target, mining, seed_corpus.documents, Counter({"的": 3}))
    assert [p.name for p in tmp_path.iterdir()] == ["corpus.png"] and target.read_bytes() == b"old"


def test_plot_paths():
    paths = plots.plot_paths("figures/seeds.png")
    assert {k: str(v) for k, v in paths.items()} == {
        "heatmap": "figures/seeds.png", "drift": "figures/seeds-drift.png", "zipf": "figures/seeds-zipf.png"}


def test_cli_stats_plot(tmp_path):
    from typer.testing import CliRunner

    from glossary.cli import app

    runner = CliRunner()
    result = runner.invoke(app, ["stats", "--format", "json", "--plot", str(tmp_path / "seeds.png")])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["seeds-drift.png", "seeds-zipf.png", "seeds.png"]
    assert "wrote" in result.stderr and "Glyph" not in result.stderr, result.stderr

    refused = runner.invoke(app, ["stats", "--plot", str(tmp_path / "seeds.jpg")])
    assert refused.exit_code == 2 and "FILE.png" in refused.stderr, (refused.exit_code, refused.output)


# --- the workbook's Statistics sheet ------------------------------------------------------------------------------


def test_statistics_charts_returns_titled_pngs(mining, seed_corpus, token_counts):
    charts = plots.statistics_charts(mining, seed_corpus.documents, token_counts)
    assert [title for title, _ in charts] == list(plots.CHART_TITLES.values())
    assert all(png.startswith(PNG_SIGNATURE) for _, png in charts)


def test_add_statistics_charts_anchors_images_under_the_table(tmp_path, mining, seed_corpus, settings):
    from openpyxl import Workbook, load_workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Statistics"
    sheet.append(["measure", "value"])
    for row in range(10):
        sheet.append([f"m{row}", row])
    end = plots.add_statistics_charts(sheet, mining, seed_corpus.documents, settings=settings)
    from openpyxl.utils.cell import coordinate_from_string

    anchors = [coordinate_from_string(image.anchor)[1] for image in sheet._images]
    assert len(anchors) == 3 and anchors[0] > 11 and anchors == sorted(anchors) and end > anchors[-1]
    assert sheet.cell(anchors[0] - 1, 1).value == "Term frequency by document"
    path = tmp_path / "stats.xlsx"
    workbook.save(path)
    with zipfile.ZipFile(path) as archive:
        media = [n for n in archive.namelist() if n.startswith("xl/media/")]
    assert len(media) == 3
    reopened = load_workbook(path)
    assert reopened["Statistics"]["A1"].value == "measure"


def test_heatmap_of_many_documents_has_one_column_per_year(mining, seed_corpus, monkeypatch):
    monkeypatch.setattr(plots, "MAX_DOCUMENT_COLUMNS", 3)
    axes = plots.heatmap_figure(mining, seed_corpus.documents).axes[0]
    assert [t.get_text() for t in axes.get_xticklabels()] == [f"{y}\n1 doc" for y in (2018, 2020, 2021, 2023, 2024)]
    assert "per year" in axes.get_title(loc="left")
    with pytest.raises(ValueError):
        plots.heatmap_figure(mining, seed_corpus.documents, by="month")


def test_column_labels_of_undated_documents_do_not_overlap(mining, seed_corpus):
    import math
    from dataclasses import replace

    def overlap(figure) -> bool:
        """Whether neighbouring column labels overlap: side by side when level, across their lines when slanted
        (parallel lines of text are apart by the column step times the sine of the angle)."""
        figure.canvas.draw()
        renderer = figure.canvas.get_renderer()
        labels = figure.axes[0].get_xticklabels()
        boxes = [label.get_window_extent(renderer) for label in labels]
        angle = math.radians(labels[0].get_rotation())
        if not angle:
            return any(a.x1 > b.x0 for a, b in zip(boxes, boxes[1:]))
        line_height = labels[0].get_fontsize() * figure.dpi / 72
        return any((b.x0 - a.x0) * math.sin(angle) < line_height for a, b in zip(boxes, boxes[1:]))

    documents = seed_corpus.documents
    assert not overlap(plots.heatmap_figure(mining, documents, by="document"))  # dated: year over symbol, level
    # undated documents are labelled by their file names (001_bdb54e24888df284), too long to stand side by side
    undated = [replace(d, dates=[], symbol=None) for d in documents]
    figure = plots.heatmap_figure(mining, undated, by="document")
    assert len(figure.axes[0].get_xticklabels()) == len(undated) and not overlap(figure)


def test_add_statistics_charts_takes_charts_made_beforehand():
    from openpyxl import Workbook

    sheet = Workbook().active
    png = plots.figure_png(plots.zipf_figure([9, 4, 3, 1]))
    end = plots.add_statistics_charts(sheet, None, None, charts=[("Zipf", png)], start_row=5, scale=0.5)
    assert sheet["A5"].value == "Zipf" and len(sheet._images) == 1 and sheet._images[0].anchor == "A6"
    assert end > 6
