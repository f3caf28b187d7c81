"""The command line through Typer's CliRunner: formats, exit codes and error messages a user relies on."""

import io
import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from glossary.cli import app
from glossary.errors import InputError
from conftest import SEEDS_DIR

SEEDS = SEEDS_DIR
SEED_000 = SEEDS / "000_93c39d06b608bdfc.txt"
runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def stats_json(*paths):
    result = run("stats", *paths, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_version():
    result = run("--version")
    assert result.exit_code == 0 and result.stdout.startswith("glossary ")


def test_stats_json_on_the_bundled_corpus():
    data = stats_json()  # no PATHS: the bundled seeds
    assert data["documents"] == 5
    for key in ("characters", "cjk_characters", "tokens", "types", "sentences", "paragraphs", "top_terms"):
        assert key in data
    dates = {Path(d["path"]).name[:3]: d["date"] for d in data["per_document"]}
    assert dates == {"000": "2024-11-25", "001": "2018-11-26", "002": "2020-11-23", "003": "2021-11-29",
                     "004": "2023-11-27"}
    assert {d["title"] for d in data["per_document"]} >= {"中等收入国家的包容可持续发展", "工发组织与《阿布扎比宣言》有关的活动"}


def _without_path(data):
    return {k: v for k, v in data["per_document"][0].items() if k not in ("path", "encoding")}


@pytest.mark.parametrize("encoding", ["gb18030", "utf-16"])
def test_same_statistics_for_other_encodings(tmp_path, encoding):
    copy = tmp_path / f"seed.{encoding}.txt"
    copy.write_bytes(SEED_000.read_text(encoding="utf-8").encode(encoding))
    assert _without_path(stats_json(copy)) == _without_path(stats_json(SEED_000))
    detected = stats_json(copy)["per_document"][0]["encoding"]
    assert detected.replace("_", "").replace("-", "").startswith(encoding.replace("-", ""))


def test_same_statistics_for_a_docx_copy(tmp_path):
    docx = pytest.importorskip("docx")
    document = docx.Document()
    for line in SEED_000.read_text(encoding="utf-8").splitlines():
        if line.strip():
            document.add_paragraph(line.strip())
    copy = tmp_path / "seed.docx"
    document.save(copy)
    original, converted = stats_json(SEED_000), stats_json(copy)
    for key in ("title", "date", "symbol", "tokens", "characters"):
        assert converted["per_document"][0][key] == original["per_document"][0][key], key


def test_stats_table_and_csv(tmp_path):
    table = CliRunner(env={"COLUMNS": "160"}).invoke(app, ["stats", str(SEED_000), "--format", "table"])
    assert table.exit_code == 0 and "中等收入国家的包容可持续发展" in table.stdout
    out = tmp_path / "docs.csv"
    assert run("stats", SEED_000, "--format", "csv", "--out", out).exit_code == 0
    frame = pd.read_csv(out)
    assert {"path", "title", "symbol", "date", "characters", "tokens"} <= set(frame.columns)


@pytest.mark.parametrize(
    "name, content, problem",
    [
        ("empty.txt", b"", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        ("latin.txt", "Ça coûte très cher à Genève".encode("latin-1"), "decode"),
        ("notes.rtf", b"{\\rtf1 hello}", "unsupported"),
    ],
)
def test_bad_input_is_one_plain_line_and_exit_2(tmp_path, name, content, problem):
    bad = tmp_path / name
    bad.write_bytes(content)
    result = run("stats", bad)
    assert result.exit_code == 2
    assert name in result.stderr and problem in result.stderr.lower()
    assert "Traceback" not in result.output and len(result.stderr.strip().splitlines()) <= 2


def test_missing_path_exit_2(tmp_path):
    result = run("mine", tmp_path / "nowhere.txt")
    assert result.exit_code == 2 and "nowhere.txt" in result.stderr


def test_a_bad_file_in_a_folder_stops_the_run_unless_skipped(tmp_path):
    (tmp_path / "good.txt").write_text(SEED_000.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "bad.txt").write_bytes(b"")
    out = tmp_path / "out.json"
    stopped = run("stats", tmp_path, "--format", "json", "--out", out)
    assert stopped.exit_code == 2 and "bad.txt" in stopped.stderr and not out.exists()
    skipped = run("stats", tmp_path, "--format", "json", "--out", out, "--skip-bad")
    assert skipped.exit_code == 0 and "bad.txt" in skipped.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["documents"] == 1


def test_mine_tsv_has_the_contract_columns():
    result = run("mine", "--format", "tsv", "--top", "30")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout), sep="\t")
    assert list(frame.columns[:7]) == ["term", "freq", "docs", "score", "variants", "tokens", "example"]
    assert len(frame) == 30 and frame["score"].is_monotonic_decreasing
    assert "中等收入国家" in frame["term"].tolist()


def test_mine_json_and_xlsx(tmp_path):
    result = run("mine", SEED_000, "--format", "json", "--top", "5")
    assert result.exit_code == 0
    assert len(json.loads(result.stdout)) == 5
    assert run("mine", SEED_000, "--format", "xlsx").exit_code == 2  # xlsx needs --out
    out = tmp_path / "terms.xlsx"
    assert run("mine", SEED_000, "--format", "xlsx", "--out", out).exit_code == 0
    assert pd.read_excel(out)["term"].iloc[0]


def test_a_formula_in_the_corpus_stays_text(tmp_path):
    text = '=HYPERLINK("http://example.com","x")\n\n1. 工发组织与中等收入国家合作。中等收入国家与工发组织合作。\n'
    (tmp_path / "doc.txt").write_text(text, encoding="utf-8")
    out = tmp_path / "terms.xlsx"
    assert run("mine", tmp_path, "--format", "xlsx", "--out", out, "--min-freq", "1").exit_code == 0
    from openpyxl import load_workbook

    cells = [c for row in load_workbook(out).active.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)


def test_evaluate_reports_glossary_and_tfidf(tmp_path):
    gold = tmp_path / "gold.tsv"
    gold.write_text("en\tzh\nmiddle-income countries\t中等收入国家\nLDCs\t最不发达国家\n", encoding="utf-8")
    result = run("evaluate", "--gold", gold, "--top", "10", "--top", "50")
    assert result.exit_code == 0, result.output
    assert "glossary mine: P@10=" in result.stdout and "jieba TF-IDF: P@10=" in result.stdout
    assert "R@50=1.000" in result.stdout.split("jieba TF-IDF:")[0].splitlines()[-1]


def test_evaluate_refuses_a_gold_file_without_columns(tmp_path):
    gold = tmp_path / "gold.tsv"
    gold.write_text("english\tchinese\nx\ty\n", encoding="utf-8")
    result = run("evaluate", "--gold", gold)
    assert result.exit_code == 2 and "gold.tsv" in result.stderr


def table_rows(text):
    """The cells of a rendered table's body rows."""
    return [[cell.strip() for cell in line.strip().strip("│").split("│")] for line in text.splitlines()
            if line.strip().startswith("│")]


def test_evaluate_against_judgements_lists_the_unjudged_and_the_rejected(tmp_path):
    mined = run("mine", SEED_000, "--top", "5", "--format", "tsv")
    top = pd.read_csv(io.StringIO(mined.stdout), sep="\t")["term"].tolist()
    judged = tmp_path / "judged.tsv"
    judged.write_text(f"# a reviewer's judgements\nterm\tjudgement\tnote\n{top[0]}\tterm\t\n《{top[1]}》\tterm\t\n"
                      f"{top[3]}\tnot-term\tno head noun\n", encoding="utf-8")
    result = CliRunner(env={"COLUMNS": "120"}).invoke(app, ["evaluate", str(SEED_000), "--judged", str(judged),
                                                            "--top", "2", "--top", "5"])
    assert result.exit_code == 0, result.output
    assert "glossary mine (judged): P@2=1.000 (0 of the first 2 unjudged)" in result.stdout
    assert "glossary mine (judged): P@5=0.400 (2 of the first 5 unjudged)" in result.stdout  # unjudged: misses
    rejected, unjudged = result.stdout.split("Judged not-term in the first 5")[1].split("Unjudged in the first 5")
    assert table_rows(rejected) == [["4", top[3], "no head noun"]]
    assert [row[:2] for row in table_rows(unjudged)] == [["3", top[2]], ["5", top[4]]]  # then freq, docs, example
    assert "jieba TF-IDF" not in result.stdout and "R@" not in result.stdout  # no reference list given

    bad = tmp_path / "bad.tsv"
    bad.write_text("term\tnote\n工发组织\tUNIDO\n", encoding="utf-8")
    one_line_error(run("evaluate", SEED_000, "--judged", bad), "bad.tsv", "judgement")


def test_mine_with_curated_terms_takes_their_form(tmp_path):
    terms = tmp_path / "terms.csv"
    terms.write_text("en,zh\ninclusive and sustainable industrial development,包容和可持续工业发展\n", encoding="utf-8")
    result = run("mine", "--terms", terms, "--format", "tsv", "--top", "40")
    assert result.exit_code == 0, result.output
    frame = pd.read_csv(io.StringIO(result.stdout), sep="\t").set_index("term")
    assert "包容及可持续工业发展" in frame.loc["包容和可持续工业发展", "variants"].split("|")


def test_a_text_too_short_for_any_term_gives_empty_tables(tmp_path):
    (tmp_path / "a.txt").write_text("工发组织支持中等收入国家。\n", encoding="utf-8")
    result = run("mine", tmp_path, "--format", "tsv")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["term\tfreq\tdocs\tscore\tvariants\ttokens\texample\tfirst_year\tlast_year\t"
                                          "forms_by_year"]


# --- the terminal: tables and reports as wide as COLUMNS, numbers as numbers, help without Python types -----------

LONG_NOTE = "促进包容及可持续工业发展，" * 6 + "a note that goes on and on about the term"


@pytest.fixture
def wide_inputs(tmp_path, monkeypatch):
    """Small inputs with long cells and a long Chinese line, in the working folder (paths shown short)."""
    from conftest import write_glossary_rows

    monkeypatch.chdir(tmp_path)
    write_glossary_rows(tmp_path / "old.xlsx", [
        {"zh": "包容和可持续工业发展", "en": "inclusive and sustainable industrial development", "status": "candidate",
         "concept_id": "c1"},
        {"zh": "国家伙伴关系方案", "en": "programme for country partnership", "status": "candidate", "concept_id": "c2"}])
    write_glossary_rows(tmp_path / "new.xlsx", [
        {"zh": "包容和可持续工业发展", "en": "inclusive and sustainable industrial development (ISID)",
         "status": "approved", "note": LONG_NOTE, "concept_id": "c1"}])
    (tmp_path / "terms.csv").write_text("en,zh\ninclusive and sustainable industrial development,包容和可持续工业发展|"
                                        "包容及可持续工业发展\nmiddle-income countries,\n", encoding="utf-8")
    (tmp_path / "t.txt").write_text("工发组织与中等收入国家合作。" * 30 + "促进包容及可持续工业发展。" * 3 + "\n",
                                    encoding="utf-8")
    return tmp_path


WIDE_COMMANDS = {
    "stats": ["stats", SEED_000, "--format", "table"],
    "mine": ["mine", SEED_000, "--format", "table", "--top", "20"],
    "mine --all-columns": ["mine", SEED_000, "--format", "table", "--top", "20", "--all-columns"],
    "diff": ["diff", "old.xlsx", "new.xlsx", "--format", "table"],
    "check": ["check", "t.txt", "--terms", "terms.csv"],
    "align": ["align", SEED_000, "--terms", "terms.csv", "--format", "table", "--drafts"],
}


@pytest.mark.parametrize("width", [80, 100])
@pytest.mark.parametrize("command", list(WIDE_COMMANDS))
def test_no_line_wider_than_the_terminal(wide_inputs, command, width):
    from glossary.text import display_width

    result = CliRunner(env={"COLUMNS": str(width)}).invoke(app, [str(a) for a in WIDE_COMMANDS[command]])
    assert result.exit_code in (0, 1), result.output  # check exits 1 on its error findings
    lines = result.stdout.splitlines()
    assert len(lines) > 5 and max(map(display_width, lines)) <= width
    assert not re.search(r"\de[+-]\d|\b(19|20)\d\d\.0\b", result.stdout)  # no 1.666e+04, no 2016.0


def test_stats_counts_print_as_integers():
    table = CliRunner(env={"COLUMNS": "100"}).invoke(app, ["stats", str(SEED_000), "--format", "table"]).stdout
    characters = stats_json(SEED_000)["characters"]
    rows = [[cell.strip() for cell in line.split("│")[1:-1]] for line in table.splitlines()]
    assert ["characters", str(characters)] in rows


def test_mine_leaves_the_year_of_an_undated_term_empty(tmp_path):
    (tmp_path / SEED_000.name).write_text(SEED_000.read_text(encoding="utf-8"), encoding="utf-8")  # 2024
    (tmp_path / "undated.txt").write_text("1. 蓝色经济伙伴关系是新的合作形式。\n\n2. 蓝色经济伙伴关系得到支持。\n\n"
                                          "3. 蓝色经济伙伴关系继续扩大。\n", encoding="utf-8")
    result = run("mine", tmp_path, "--format", "tsv", "--top", "0")
    assert result.exit_code == 0, result.output
    years = {row.split("\t")[0]: row.split("\t")[7:9] for row in result.stdout.splitlines()[1:]}
    assert years["蓝色经济伙伴关系"] == ["", ""] and years["工发组织"] == ["2024", "2024"]


def test_mine_says_when_max_candidates_raised_the_least_occurrences(tmp_path, monkeypatch):
    """A corpus with more candidates than the settings' max_candidates is mined for the most frequent only, and the
    user is told which least occurrences was used: every term listed reaches it."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.glossary]\nmax_candidates = 40\n", encoding="utf-8")
    result = run("mine", SEED_000, "--format", "tsv", "--top", "0")
    assert result.exit_code == 0, result.output
    note = re.search(r"max_candidates\): only those seen (\d+) times or more were mined", result.stderr)
    assert note, result.stderr
    freqs = [int(row.split("\t")[1]) for row in result.stdout.splitlines()[1:]]
    assert freqs and min(freqs) >= int(note.group(1)) > 2
    monkeypatch.chdir(SEED_000.parent)  # the default bound: nothing left out
    unbounded = run("mine", SEED_000, "--format", "tsv", "--top", "0")
    assert "max_candidates" not in unbounded.stderr
    assert len(unbounded.stdout.splitlines()) > len(result.stdout.splitlines())


def test_mine_all_columns_in_a_table():
    result = CliRunner(env={"COLUMNS": "120"}).invoke(app, ["mine", str(SEED_000), "--format", "table", "--top",
                                                            "5", "--all-columns"])
    assert result.exit_code == 0 and "cvalue" in result.stdout and "Left out" in result.stdout


@pytest.mark.parametrize("command", [[], ["stats"], ["mine"], ["evaluate"], ["align"], ["build"], ["diff"],
                                     ["export"], ["check"]])
def test_help_names_values_not_python_types(command):
    result = CliRunner(env={"COLUMNS": "100"}).invoke(app, [*command, "--help"])
    assert result.exit_code == 0 and "Usage" in result.stdout
    assert "<bool>" not in result.stdout and "<list[" not in result.stdout and "<path>" not in result.stdout


# --- bad options and outputs that cannot be written: one line, exit 2, nothing half-written ----------------------


def one_line_error(result, *fragments):
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), result.stderr
    assert "Traceback" not in result.output and "╭" not in result.output and "Usage" not in result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


@pytest.mark.parametrize("args, fragment", [
    (["mine", "--top", "abc"], "--top"),
    (["stats", "--bogus"], "--bogus"),
    (["nope"], "nope"),
    (["check"], "PATH"),
    (["mine", "-j", "0"], "--jobs"),
    (["export", "--format"], "--format"),
    (["evaluate"], "--gold"),
])
def test_a_bad_option_is_one_line(args, fragment):
    one_line_error(run(*args), fragment)


def test_the_bare_command_still_prints_its_help():
    result = run()
    assert "Usage" in result.output and "error:" not in result.output


def test_an_unreadable_path_on_the_command_line_is_one_line(tmp_path):
    one_line_error(run("stats", str(tmp_path / "\udcff.txt")), "no such file")


@pytest.mark.parametrize("command", [
    ["stats", SEED_000, "--format", "json", "--out"],
    ["stats", SEED_000, "--plot"],
    ["mine", SEED_000, "--format", "tsv", "--out"],
    ["align", SEED_000, "--format", "tsv", "--out"],
    ["check", SEED_000, "--out"],
    ["check", SEED_000, "--update-baseline", "--baseline"],
    ["export", "--format", "tbx", "--out"],
])
def test_an_output_that_is_a_folder_or_under_a_file_stops_before_the_work(tmp_path, command):
    folder = tmp_path / "out.png"
    folder.mkdir()
    one_line_error(run(*command, folder), f"{folder}: is a folder")
    (tmp_path / "file").write_text("x")
    one_line_error(run(*command, tmp_path / "file" / "out.png"), "file is a file, not a folder")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file", "out.png"] and not any(folder.iterdir())


def test_an_output_in_a_missing_folder_is_refused(tmp_path):
    """A mistyped folder is not created: the output would land where nobody looks for it."""
    out = tmp_path / "new" / "folder" / "stats.json"
    one_line_error(run("stats", SEED_000, "--format", "json", "--out", out), f"the folder {out.parent} does not exist")
    assert list(tmp_path.iterdir()) == []


def _full_disk(monkeypatch, module, name):
    """The writer fills half the temporary file, then the disk is full (ENOSPC), as on a small tmpfs."""
    import errno

    real = getattr(module, name)

    def half_then_full(self, data, *args, **kwargs):
        real(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(module, name, half_then_full)


@pytest.mark.parametrize("fmt", ["json", "table"])
def test_a_full_disk_keeps_the_earlier_output(tmp_path, monkeypatch, fmt):
    out = tmp_path / "stats.txt"
    out.write_text("the earlier output", encoding="utf-8")
    _full_disk(monkeypatch, Path, "write_text")
    one_line_error(run("stats", SEED_000, "--format", fmt, "--out", out), str(out), "no space left on the disk")
    assert out.read_text(encoding="utf-8") == "the earlier output"
    assert [p.name for p in tmp_path.iterdir()] == ["stats.txt"]  # no temporary file left


def test_a_full_disk_while_saving_a_workbook(tmp_path, monkeypatch):
    from openpyxl.writer.excel import ExcelWriter

    out = tmp_path / "terms.xlsx"
    out.write_bytes(b"the earlier workbook")

    def save_half(self):
        self._archive.writestr("xl/half.xml", b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ExcelWriter, "save", save_half)
    one_line_error(run("mine", SEED_000, "--format", "xlsx", "--out", out), "no space left on the disk")
    assert out.read_bytes() == b"the earlier workbook" and [p.name for p in tmp_path.iterdir()] == ["terms.xlsx"]


def test_a_read_only_output_folder(tmp_path, monkeypatch):
    """Simulated where chmod cannot stop the writer (root): creating the temporary file is refused."""
    import tempfile

    def refuse(*args, dir=None, **kwargs):
        raise PermissionError(13, "Permission denied", str(Path(dir) / ".report.json.x1y2.tmp"))

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    out = tmp_path / "report.json"
    one_line_error(run("stats", SEED_000, "--format", "json", "--out", out), str(out), "permission denied")
    assert not out.exists()


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root writes to read-only folders")
def test_a_really_read_only_output_folder(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        one_line_error(run("stats", SEED_000, "--format", "json", "--out", folder / "x.json"), "is read-only")
    finally:
        folder.chmod(0o755)


def test_an_input_error_is_not_taken_for_an_output_one(tmp_path):
    """Only OSErrors about the output become its one-line error: the mapping must not hide other files' errors."""
    import errno

    from glossary.cli import writing

    with pytest.raises(FileNotFoundError):
        with writing(tmp_path / "out.tbx"):
            raise FileNotFoundError(errno.ENOENT, "No such file", str(tmp_path / "glossaries" / "glossary-v1.xlsx"))
    with pytest.raises(InputError, match="no space left"):
        with writing(tmp_path / "out.tbx"):
            raise OSError(errno.ENOSPC, "No space left on device")


class _FullDiskFile:
    """A file on a disk that fills up: writes fail once `full`, and so does closing it."""

    def __init__(self, path):
        self.handle, self.full = open(path, "wb"), False

    def write(self, data):
        if self.full:
            raise OSError(28, "No space left on device")
        return self.handle.write(data)

    def close(self):
        self.handle.close()
        if self.full:
            raise OSError(28, "No space left on device")

    def __getattr__(self, name):
        return getattr(self.handle, name)


@pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")
def test_a_writer_left_open_by_a_full_disk_prints_nothing_more(tmp_path, monkeypatch):
    """openpyxl's own save leaves its zip file open when a write fails; collected later, closing it fails again,
    which Python reports as 'Exception ignored in ...' with a traceback after the one line. The workbook writer
    (formats.tables.save_workbook) closes the archive itself, whatever happens."""
    from openpyxl.writer.excel import ExcelWriter

    def save_on_a_full_disk(self):
        self._archive.fp.close()
        disk = _FullDiskFile(self._archive.filename)
        self._archive.fp = disk  # the archive's own file, on a disk that fills up now
        self._archive.writestr("xl/workbook.xml", "<workbook/>")
        disk.full = True
        self._archive.writestr("xl/worksheets/sheet1.xml", "<worksheet/>" * 1000)

    monkeypatch.setattr(ExcelWriter, "save", save_on_a_full_disk)
    import gc

    result = run("mine", SEED_000, "--format", "xlsx", "--out", tmp_path / "terms.xlsx")
    one_line_error(result, "no space left on the disk")
    assert list(tmp_path.iterdir()) == []
    del result
    gc.collect()  # anything still holding the open writer would report its failure now, in this test
