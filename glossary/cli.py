"""The command line: each command parses options, calls one library function, and writes what it returns."""

from __future__ import annotations

import contextlib
import functools
import os
import sys
from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from glossary import __version__
from glossary.errors import InputError, os_problem
from glossary.files import check_output_file

try:  # typer >= 0.20 carries its own copy of Click
    from typer._click.exceptions import UsageError
except ImportError:  # pragma: no cover
    from click.exceptions import UsageError


# --help says what a value is (FILE, N, PATH) rather than its Python type: typer would print <bool> beside every
# flag and <list[Path]> beside PATHS. Typer builds the parameters itself, so the commands give them these classes,
# which differ from typer's only in the help's type column.
class _Option(TyperOption):
    def display_type_rich(self, ctx):
        return None if self.is_flag else super().display_type_rich(ctx)  # a flag takes no value


class _Argument(TyperArgument):
    def display_type_rich(self, ctx):
        return None if self.metavar else super().display_type_rich(ctx)  # its metavar says it


_HELP_CLASSES = {TyperOption: _Option, TyperArgument: _Argument}


class _NoPythonTypesInHelp:
    def get_params(self, ctx):
        params = super().get_params(ctx)
        for param in params:
            param.__class__ = _HELP_CLASSES.get(type(param), type(param))
        return params


@contextlib.contextmanager
def usage_errors_in_one_line():
    """A bad option or argument (`--top abc`, `--bogus`, a missing PATH) ends as bad input does: one line on stderr
    and exit code 2, not Click's usage box. `glossary` alone still prints its help."""
    try:
        yield
    except UsageError as error:
        if type(error).__name__ == "NoArgsIsHelpError":
            raise
        hint = f" (see {error.ctx.command_path} --help)" if error.ctx is not None else ""
        typer.echo(f"error: {' '.join(error.format_message().split())}{hint}", err=True)
        raise typer.Exit(error.exit_code) from None


class _PlainUsageErrors:
    def make_context(self, info_name, args, parent=None, **extra):
        with usage_errors_in_one_line():
            return super().make_context(info_name, args, parent=parent, **extra)


class Command(_PlainUsageErrors, _NoPythonTypesInHelp, TyperCommand):
    """A command whose --help shows no Python types and whose usage errors are one line."""


class Group(_PlainUsageErrors, _NoPythonTypesInHelp, TyperGroup):
    """The group (glossary --help, --version) likewise; an unknown command is one line too."""

    def resolve_command(self, ctx, args):
        with usage_errors_in_one_line():
            return super().resolve_command(ctx, args)


class App(typer.Typer):
    """Typer whose commands are Commands."""

    def command(self, *args, cls=Command, **kwargs):
        return super().command(*args, cls=cls, **kwargs)


app = App(
    cls=Group,
    add_completion=False,
    no_args_is_help=True,
    help="Mine, align, version and check Chinese-English term glossaries for UN documents.",
    context_settings={"help_option_names": ["-h", "--help"]},
)

PathsArg = typer.Argument(None, metavar="PATH",
                          help="Files or folders (searched recursively). Default: the bundled seeds/ corpus.")
SkipBad = typer.Option(False, "--skip-bad", help="Report unreadable files and go on without them.")
OutOption = typer.Option(None, "--out", metavar="FILE", help="Write to FILE instead of stdout.")
TermsOption = typer.Option(
    None, "--terms", metavar="FILE", help="Curated English terms (CSV, TSV or XLSX with column en; optional zh, "
    "abbr, domain, note, source). Default: data/terms_en.csv."
)
JobsOption = typer.Option(
    os.cpu_count() or 1, "--jobs", "-j", min=1, metavar="N",
    help="Worker processes for repairing, segmenting and counting (default: one per core). A corpus smaller than "
    "parallel_min_chars characters is done in this process: workers would cost more than they save.",
)


@contextlib.contextmanager
def progress_bar(label: str, total: int):
    """A rich progress bar on stderr, only when stderr is a terminal; yields the function that advances it."""
    if not sys.stderr.isatty() or total < 2:
        yield None
        return
    from rich.console import Console
    from rich.progress import Progress

    with Progress(transient=True, console=Console(stderr=True)) as bar:
        task = bar.add_task(label, total=total)
        yield lambda steps=1: bar.advance(task, steps)


def fails_cleanly(command):
    """Bad input ends in one plain line on stderr and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            from glossary.text import printable

            typer.echo(f"error: {printable(str(exc))}", err=True)  # a file name may hold an escape sequence
            raise typer.Exit(2)

    return wrapper


@contextlib.contextmanager
def writing(path: Path | None):
    """An output that cannot be written (a full or read-only disk, a folder made meanwhile) ends as bad input
    does, naming it. Only errors of that output: its file, its temporary sibling, its folders, or a write without
    a file name (the file being written); any other OSError is not this output's. The atomic writers leave no
    temporary file and the earlier file as it was."""
    try:
        yield
    except OSError as error:
        if path is None or not _concerns(error, path):
            raise
        problem = "part of the path is a file, not a folder" if isinstance(error, FileExistsError) else \
            os_problem(error)
        raise InputError(path, f"cannot write: {problem}") from None


def _concerns(error: OSError, path: Path) -> bool:
    """Whether an OSError is about writing `path`: it names no file (a failed write), or names the file, one of
    its folders, a file in it (a folder of outputs), or a sibling named after it (its temporary file
    .NAME.xxxx.tmp, the NAME-drift.png beside NAME.png)."""
    target = Path(os.path.abspath(path))

    def about_target(name: Path) -> bool:
        sibling = name.parent == target.parent and name.name.lstrip(".").startswith((f"{target.stem}.",
                                                                                      f"{target.stem}-"))
        return name == target or sibling or name in target.parents or target in name.parents

    named = [Path(os.path.abspath(os.fsdecode(name))) for name in (error.filename, error.filename2)
             if isinstance(name, (str, bytes, os.PathLike))]
    return not named or any(map(about_target, named))


def default_format(table_format: str, piped_format: str) -> str:
    return table_format if sys.stdout.isatty() else piped_format


def cli_settings():
    """The settings of this run: the shipped defaults and the [tool.glossary] table of the nearest pyproject.toml
    above the working folder. Each command reads them once and passes them down; the library never looks itself."""
    from glossary.config import load_settings

    return load_settings(Path.cwd())


def _load(paths: Optional[List[Path]], skip_bad: bool, jobs: int = 1, keep_raw: bool = True):
    from glossary.config import SEEDS_DIR, cache_root
    from glossary.corpus.load import load_corpus

    settings = cli_settings()
    corpus = load_corpus(
        list(paths) if paths else [SEEDS_DIR], settings=settings, skip_bad=skip_bad, cache_dir=cache_root(), jobs=jobs,
        keep_raw=keep_raw,
    )
    for problem in corpus.skipped:
        typer.echo(f"skipped: {problem}", err=True)
    if not corpus.documents:
        raise InputError(None, "no readable documents in the given paths")
    return corpus, settings


def _check_format(fmt: str, allowed: tuple[str, ...]) -> None:
    if fmt not in allowed:
        raise InputError(None, f"--format must be one of {', '.join(allowed)}, not {fmt!r}")


def _version(value: bool):
    if value:
        typer.echo(f"glossary {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
):
    """Mine, align, version and check Chinese-English term glossaries for UN documents."""


@app.command()
@fails_cleanly
def stats(
    paths: Optional[List[Path]] = PathsArg,
    fmt: Optional[str] = typer.Option(None, "--format", metavar="FORMAT", help="table | json | csv"),
    out: Optional[Path] = OutOption,
    top: int = typer.Option(30, "--top", metavar="N", help="How many frequent content words to list."),
    plot: Optional[Path] = typer.Option(None, "--plot", metavar="FILE", help="Also draw FILE.png (term frequency by "
                                        "document), FILE-drift.png (variants by year) and FILE-zipf.png "
                                        "(rank/frequency)."),
    skip_bad: bool = SkipBad,
):
    """Corpus statistics: documents, characters, tokens, types, repairs, frequent content words."""
    from glossary.formats.tables import emit, render_table, to_json
    from glossary.files import write_text_atomic
    from glossary.report.stats import corpus_stats

    fmt = fmt or default_format("table", "json")
    _check_format(fmt, ("table", "json", "csv"))
    if plot is not None and plot.suffix.lower() != ".png":
        raise InputError(plot, "--plot writes PNG images: give a FILE.png")
    check_output_file(out)
    check_output_file(plot)
    corpus, settings = _load(paths, skip_bad)
    result = corpus_stats(corpus.documents, settings, top=top)
    if plot is not None:  # glossary.plots: the pictures of the same corpus
        with writing(plot):
            _write_stats_plots(plot, corpus.documents, settings)
    if fmt == "csv":
        with writing(out):
            emit(result.documents_table(), "csv", out)
        return
    if fmt == "json":
        text = to_json(result.to_dict())
    else:
        text = (
            render_table(result.summary_table(), "Corpus")
            + render_table(result.documents_table()[["path", "title", "symbol", "date", "characters", "tokens"]],
                           "Documents")
            + render_table(result.top_terms_table(), "Most frequent content words")
        )
    if out:
        with writing(out):
            write_text_atomic(out, text)
    else:
        sys.stdout.write(text)


def _write_stats_plots(plot: Path, documents, settings) -> None:
    from glossary.mining.mine import mine_corpus
    from glossary.report.plots import token_frequencies, write_plots
    from glossary.config import cache_root

    mining = mine_corpus(documents, settings, cache_dir=cache_root())
    for written in write_plots(plot, mining, documents, token_frequencies(documents, settings)):
        typer.echo(f"wrote {written}", err=True)


MINE_COLUMNS = ["term", "freq", "docs", "score", "variants", "tokens", "example"]
MINE_TABLE_COLUMNS = ["term", "freq", "docs", "score", "variants"]


@app.command()
@fails_cleanly
def mine(
    paths: Optional[List[Path]] = PathsArg,
    top: int = typer.Option(200, "--top", metavar="N", help="How many terms to list (0: all)."),
    min_freq: Optional[int] = typer.Option(None, "--min-freq", metavar="N", help="Least occurrences of a candidate."),
    fmt: Optional[str] = typer.Option(None, "--format", metavar="FORMAT", help="table | tsv | csv | json | xlsx"),
    out: Optional[Path] = OutOption,
    all_columns: bool = typer.Option(False, "--all-columns", help="Add every statistic behind the score (in a "
                                     "table, as many as the terminal's width allows)."),
    terms_file: Optional[Path] = typer.Option(
        None, "--terms", metavar="FILE", help="Curated terms (CSV/TSV/XLSX with a zh column): kept whole by the "
        "segmenter, and the canonical form of their variant group."
    ),
    jobs: int = JobsOption,
    skip_bad: bool = SkipBad,
):
    """Rank the recurring multiword Chinese terms of a corpus, variants grouped."""
    from glossary.config import cache_root
    from glossary.mining.mine import SCORE_COLUMNS, mine_corpus, raised_min_freq_note
    from glossary.formats.tables import emit

    fmt = fmt or default_format("table", "tsv")
    _check_format(fmt, ("table", "tsv", "csv", "json", "xlsx"))
    if fmt == "xlsx" and out is None:
        raise InputError(None, "--format xlsx needs --out FILE")
    check_output_file(out)
    corpus, settings = _load(paths, skip_bad, jobs, keep_raw=False)  # mining never reads the original texts
    curated = []
    if terms_file is not None:
        from glossary.formats.terms import curated_forms, read_terms

        curated = curated_forms(read_terms(terms_file, settings))
    # one step per document repaired, one per document counted (neither happens when the cache answers)
    with progress_bar("Mining", 2 * len(corpus.documents)) as advance:
        corpus.documents.progress = advance
        result = mine_corpus(
            corpus.documents, settings, curated=curated, min_freq=min_freq, cache_dir=cache_root(), jobs=jobs,
            progress=advance,
        )
    note = raised_min_freq_note(result, settings.mining, min_freq)
    if note:
        typer.echo(f"note: {note}", err=True)
    terms = result.terms if top <= 0 else result.terms.head(top)
    if all_columns and fmt == "table":  # the statistics before the long text columns, which a terminal cuts first
        rest = [c for c in terms.columns if c not in MINE_TABLE_COLUMNS and c not in SCORE_COLUMNS]
        columns = [*MINE_TABLE_COLUMNS, *SCORE_COLUMNS, *rest]
    elif all_columns or fmt == "xlsx":
        columns = MINE_COLUMNS + [c for c in terms.columns if c not in MINE_COLUMNS]
    elif fmt == "table":
        columns = MINE_TABLE_COLUMNS
    else:
        columns = MINE_COLUMNS + ["first_year", "last_year", "forms_by_year"]
    with writing(out):
        emit(terms[columns], fmt, out, title="Terms")


@app.command()
@fails_cleanly
def evaluate(
    paths: Optional[List[Path]] = PathsArg,
    gold: Optional[Path] = typer.Option(None, "--gold", metavar="FILE",
                                        help="Reference TSV with columns en and zh (forms |-separated)."),
    judged: Optional[Path] = typer.Option(
        None, "--judged", metavar="FILE", help="Judgements of candidates, for any corpus: TSV with columns term, "
        "judgement (term or not-term) and note. Precision at K counts unjudged candidates as not terms and lists "
        "them, to judge and re-run."
    ),
    top: Optional[List[int]] = typer.Option(None, "--top", metavar="K", min=1,
                                            help="K for precision and recall at K (repeatable). Default: 50, 100 "
                                            "and 200 (--gold); 50 and 100 (--judged alone)."),
    valid: Optional[Path] = typer.Option(None, "--valid", metavar="FILE",
                                         help="Further terms judged valid, one per line (with --gold)."),
    task: str = typer.Option("mine", "--task", metavar="TASK", help="mine | align (accuracy at 1 and 3 of the "
                             "Chinese proposed for the gold file's en column)"),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Also score jieba TF-IDF (mine task) or "
                                  "a plain CC-CEDICT lookup of the whole English term (align task)."),
    parallel: Optional[List[Path]] = typer.Option(None, "--parallel", metavar="PATH", help="Parallel text for the "
                                                  "align task, as `glossary align --parallel` takes it."),
    skip_bad: bool = SkipBad,
):
    """Precision and recall at K of the ranked terms against a reference list, beside jieba TF-IDF; or precision
    at K against your judgements (--judged) on any corpus."""
    from glossary.config import DATA_DIR
    from glossary.report.evaluate import read_gold, read_judgements, read_valid_terms, score_ranking
    from glossary.report.evaluate import scores_table, tfidf_baseline
    from glossary.mining.mine import mine_corpus
    from glossary.formats.tables import render_table
    from glossary.config import cache_root

    if gold is None and judged is None:
        raise InputError(None, "give --gold FILE (a reference list) or --judged FILE (judgements of candidates)")
    if task not in ("mine", "align"):
        raise InputError(None, f"--task must be mine or align, not {task!r}")
    if task == "align" and gold is None:
        raise InputError(None, "--task align needs --gold FILE (--judged judges mined terms)")
    concepts = read_gold(gold, keep_absent=task == "align") if gold is not None else None
    judgements = read_judgements(judged) if judged is not None else None  # a bad file fails before the mining
    corpus, settings = _load(paths, skip_bad)
    if task == "align":
        parallel_inputs = None
        if parallel:
            from glossary.align import load_parallel_inputs

            parallel_inputs, skipped = load_parallel_inputs(list(parallel), settings, skip_bad)
            for problem in skipped:
                typer.echo(f"skipped: {problem}", err=True)
        _evaluate_alignment(concepts, corpus.documents, settings, gold, baseline, parallel_inputs)
        return
    mined = mine_corpus(corpus.documents, settings, cache_dir=cache_root()).terms
    ranked = mined["term"].tolist()
    if concepts is not None:
        ks = list(top) if top else [50, 100, 200]
        default_valid = DATA_DIR / "valid_terms.txt"
        valid_terms = read_valid_terms(valid if valid else (default_valid if default_valid.is_file() else None))
        text = "\n".join(p.text for d in corpus.documents for p in d.paragraphs)
        results = [score_ranking(ranked, concepts, text, ks, valid_terms, "glossary mine")]
        if baseline:
            results.append(score_ranking(tfidf_baseline(text, max(ks)), concepts, text, ks, valid_terms,
                                         "jieba TF-IDF"))
        sys.stdout.write(render_table(scores_table(results, ks),
                                      f"Against {gold.name} (+{len(valid_terms)} valid terms)"))
        for result in results:
            typer.echo(
                f"{result.system}: "
                + ", ".join(f"P@{k}={result.precision[k]:.3f}" for k in ks)
                + "; "
                + ", ".join(f"R@{k}={result.recall[k]:.3f}" for k in ks)
            )
    if judgements is not None:
        _evaluate_judged(mined, judgements, judged, list(top) if top else [50, 100])


def _evaluate_judged(mined, judgements, judged: Path, ks: List[int]) -> None:
    """Precision at K against a judgements file, then the candidates of the first K judged not-term and those
    nobody judged (which counted as not terms), with their frequency and an example to judge them by."""
    import pandas as pd

    from glossary.formats.tables import render_table
    from glossary.report.evaluate import score_judged

    scores = score_judged(mined["term"].tolist(), judgements, ks)
    deepest = max(scores.ks)
    sys.stdout.write(render_table(scores.summary, f"Against {judged.name} ({scores.judgements} judged forms)"))
    not_terms = scores.not_terms()
    if len(not_terms):
        sys.stdout.write(render_table(not_terms[["rank", "term", "note"]],
                                      f"Judged not-term in the first {deepest} ({len(not_terms)})"))
    unjudged = scores.unjudged()
    if len(unjudged):
        context = mined.iloc[unjudged["rank"] - 1][["freq", "docs", "example"]].reset_index(drop=True)
        sys.stdout.write(render_table(pd.concat([unjudged[["rank", "term"]].reset_index(drop=True), context], axis=1),
                                      f"Unjudged in the first {deepest} ({len(unjudged)})"))
        typer.echo(f"Unjudged candidates count as not terms: judge the {len(unjudged)} above in {judged} and re-run.")
    for row in scores.summary.to_dict("records"):
        k = row["K"]
        typer.echo(f"glossary mine (judged): P@{k}={scores.precision[k]:.3f} ({row['unjudged']} of the first {k} "
                   "unjudged)")


def _evaluate_alignment(concepts, documents, settings, gold: Path, baseline: bool, parallel=None) -> None:
    """Hand only the gold file's en column to align_terms; print the failures, accuracy at 1 and 3 (terms with a
    zh), the wrong share of non-empty answers and the share of absent terms (empty zh) left empty."""
    import pandas as pd

    from glossary.align import align_terms, cedict_lookup_baseline
    from glossary.report.evaluate import score_alignment
    from glossary.formats.tables import render_table

    english = pd.DataFrame({"en": [concept.en for concept in concepts]})
    proposals = align_terms(english, documents, settings, parallel=parallel, use_curated=False)
    scores = score_alignment(proposals, concepts)
    details = scores.details.merge(proposals[["en", "score", "alternatives"]], on="en", how="left")
    # an absent term answered empty is right: not a failure
    failed = ~details["at_1"] & ((details["accepted"] != "") | (details["proposed"] != ""))
    failures = details[failed][["en", "proposed", "score", "alternatives", "accepted", "at_3"]]
    sys.stdout.write(render_table(failures, f"Alignment failures at 1 against {gold.name} ({len(failures)} of "
                                            f"{scores.terms})"))
    typer.echo(f"alignment accuracy at 1: {scores.accuracy_at_1:.3f}")
    typer.echo(f"alignment accuracy at 3: {scores.accuracy_at_3:.3f}")
    typer.echo(f"wrong share of non-empty answers: {scores.wrong_share:.3f} ({scores.wrong} of {scores.answered})")
    if scores.absent:
        typer.echo(f"absent terms left empty: {scores.absent_left_empty:.3f} (of {scores.absent})")
    if baseline:
        plain = score_alignment(cedict_lookup_baseline(english, documents), concepts)
        typer.echo(f"plain CC-CEDICT lookup of the whole English term: accuracy at 1: {plain.accuracy_at_1:.3f}, "
                   f"at 3: {plain.accuracy_at_3:.3f}")


ALIGN_TABLE_COLUMNS = ["en", "zh", "score", "method", "alternatives", "freq"]


@app.command()
@fails_cleanly
def align(
    paths: Optional[List[Path]] = PathsArg,
    terms: Optional[Path] = TermsOption,
    parallel: Optional[List[Path]] = typer.Option(None, "--parallel", metavar="PATH", help="English versions of the "
                                                  "documents, bitext files (English then Chinese on each line), "
                                                  "TMX or XLIFF files (files or folders, repeatable); versions pair "
                                                  "by symbol or file name and align sentence by sentence."),
    fmt: Optional[str] = typer.Option(None, "--format", metavar="FORMAT", help="table | tsv | csv | json | xlsx"),
    out: Optional[Path] = OutOption,
    drafts: bool = typer.Option(False, "--drafts", help="English drafts for the mined Chinese terms no English "
                                "entry covers: a second table (table), a second sheet (xlsx), or instead of the "
                                "alignment (tsv, csv, json)."),
    skip_bad: bool = SkipBad,
):
    """The Chinese equivalent, found in the corpus, of every English term of a curated list (one row per term,
    in the list's order; zh empty when the corpus has none)."""
    import warnings

    from glossary.align import align_terms, covered_forms, draft_english, load_parallel_inputs
    from glossary.formats.terms import TermsFileWarning, curated_forms, read_terms
    from glossary.config import cache_root
    from glossary.mining.mine import mine_corpus
    from glossary.formats.tables import emit, render_table, write_xlsx_sheets
    from glossary.files import write_text_atomic

    fmt = fmt or default_format("table", "tsv")
    _check_format(fmt, ("table", "tsv", "csv", "json", "xlsx"))
    if fmt == "xlsx" and out is None:
        raise InputError(None, "--format xlsx needs --out FILE")
    check_output_file(out)
    corpus, settings = _load(paths, skip_bad)
    terms_path = terms or settings.align.terms
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", TermsFileWarning)
        frame = read_terms(terms_path, settings)
    for warning in caught:
        typer.echo(f"warning: {warning.message}", err=True)
    parallel_inputs = None
    if parallel:
        parallel_inputs, skipped = load_parallel_inputs(list(parallel), settings, skip_bad)
        for problem in skipped:
            typer.echo(f"skipped: {problem}", err=True)
    mining = mine_corpus(corpus.documents, settings, curated=curated_forms(frame), cache_dir=cache_root())
    result = align_terms(frame, corpus.documents, settings, mining=mining, parallel=parallel_inputs)
    draft_table = draft_english(mining, covered_forms(result), settings) if drafts else None
    with writing(out):
        if fmt == "xlsx":
            sheets = {"Alignment": result} | ({"Drafts": draft_table} if draft_table is not None else {})
            write_xlsx_sheets(out, sheets)
        elif fmt == "table":
            text = render_table(result[ALIGN_TABLE_COLUMNS], "Alignment")
            if draft_table is not None:
                text += render_table(draft_table, "English drafts for new Chinese terms")
            write_text_atomic(out, text) if out else sys.stdout.write(text)
        else:
            emit(draft_table if draft_table is not None else result, fmt, out)


@app.command()
@fails_cleanly
def build(
    paths: Optional[List[Path]] = PathsArg,
    terms: Optional[Path] = TermsOption,
    out_dir: Path = typer.Option(Path("glossaries"), "--out-dir", metavar="DIR", help="Folder of glossary versions."),
    skip_bad: bool = SkipBad,
):
    """Write the next glossary-vN.xlsx, keeping every review decision of the newest version; prints its path last."""
    from glossary.config import cache_root
    from glossary.review.build import build_glossary

    result = build_glossary(paths, terms, out_dir, cli_settings(), skip_bad=skip_bad, cache_dir=cache_root())
    for problem in result.skipped:
        typer.echo(f"skipped: {problem}", err=True)
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    typer.echo(result.summary())
    typer.echo(str(result.path))


@app.command()
@fails_cleanly
def diff(
    old: Path = typer.Argument(..., metavar="OLD",
                               help="The older glossary workbook (or a folder: its newest version)."),
    new: Path = typer.Argument(..., metavar="NEW",
                               help="The newer glossary workbook (or a folder: its newest version)."),
    fmt: Optional[str] = typer.Option(None, "--format", metavar="FORMAT", help="table | json"),
    reviewed: bool = typer.Option(False, "--reviewed", help="Take OLD as reviewers left it, not as it was built."),
):
    """Concepts added and removed and cells changed (zh, en, status, note, score...) between two versions."""
    from glossary.formats.tables import emit
    from glossary.review.build import diff_glossaries

    fmt = fmt or default_format("table", "json")
    _check_format(fmt, ("table", "json"))
    emit(diff_glossaries(old, new, cli_settings(), reviewed_old=reviewed), fmt, None, title=f"{old} -> {new}")


@app.command("export")
@fails_cleanly
def export_(
    glossary: Path = typer.Argument(Path("glossaries"), metavar="GLOSSARY",
                                    help="A glossary workbook, or a folder (its newest version)."),
    fmt: str = typer.Option(..., "--format", metavar="FORMAT", help="tbx | csv | tsv | xlsx"),
    status: str = typer.Option("approved", "--status", metavar="STATUSES", help="Statuses to export, "
                               "comma-separated. Default: approved. Add deprecated to export the forms not to use, "
                               "marked deprecated."),
    out: Optional[Path] = typer.Option(None, "--out", metavar="FILE", help="Write to FILE instead of stdout (required "
                                       "for xlsx)."),
):
    """Export a reviewed glossary for translation tools: TBX-Basic, CSV or TSV (en, zh-CN), or XLSX."""
    from glossary.formats.export import export_glossary

    check_output_file(out)
    with writing(out):
        result = export_glossary(glossary, fmt, status, out, cli_settings())
    if result.skipped:
        typer.echo(f"skipped {result.skipped} rows without both en and zh", err=True)
    typer.echo(f"{result.concepts} concepts from {result.source} -> {out or 'stdout'}", err=True)


@app.command()
@fails_cleanly
def check(
    paths: List[Path] = typer.Argument(..., metavar="PATH", help="Files or folders (searched recursively) to check."),
    glossary: Optional[Path] = typer.Option(None, "--glossary", metavar="PATH", help="A glossary workbook, or a "
                                            "folder (its newest version); a terms file given here is read as "
                                            "--terms. Default: glossaries/ when it holds a version."),
    terms: Optional[Path] = typer.Option(None, "--terms", metavar="FILE", help="A terms file instead of a glossary "
                                         "(first zh form preferred, the others deprecated). Default: "
                                         "data/terms_en.csv."),
    source: Optional[List[Path]] = typer.Option(None, "--source", metavar="PATH", help="English source files or "
                                                "folders, paired with the files checked by name, for the bilingual "
                                                "rules (repeatable)."),
    fmt: str = typer.Option("text", "--format", metavar="FORMAT", help="text | json | sarif | junit | github"),
    out: Optional[Path] = typer.Option(None, "--out", metavar="FILE",
                                       help="Write the report to FILE instead of stdout."),
    baseline: Optional[Path] = typer.Option(None, "--baseline", metavar="FILE",
                                            help="Findings recorded in FILE are not reported."),
    update_baseline: bool = typer.Option(False, "--update-baseline", help="Write the current findings to the "
                                         "--baseline FILE and exit 0."),
):
    """Check translations against the glossary: deprecated and unlisted variants, deprecated terms, and (with
    --source, or XLIFF/TMX) key terms missing or translated inconsistently. Exit 1 on error findings."""
    from glossary.check import apply_baseline, has_errors, load_rulebook, read_baseline, run_check, write_baseline
    from glossary.files import write_text_atomic
    from glossary.check.reporters import FORMATS, omitted_notices, render
    from glossary.formats.tables import terminal_width

    _check_format(fmt, FORMATS)
    if update_baseline and baseline is None:
        raise InputError(None, "--update-baseline needs --baseline FILE")
    check_output_file(out)
    check_output_file(baseline if update_baseline else None)
    settings = cli_settings()
    accepted = read_baseline(baseline) if baseline is not None and not update_baseline else None
    rulebook = load_rulebook(glossary, terms, settings)
    result = run_check(paths, rulebook, settings, sources=source or ())
    for note in result.notes:
        typer.echo(f"note: {note}", err=True)
    if update_baseline:
        with writing(baseline):
            write_baseline(baseline, result.findings)
        typer.echo(f"wrote {len(result.findings)} findings to {baseline}", err=True)
        return
    findings = apply_baseline(result.findings, accepted) if accepted is not None else result.findings
    hidden = len(result.findings) - len(findings)
    if hidden:
        typer.echo(f"note: {hidden} findings recorded in {baseline} are not reported", err=True)
    report = render(fmt, findings, result.files, __version__, width=terminal_width(), hidden=hidden)
    if fmt == "json":  # the other formats carry their own notice of findings past the per-rule limit
        for notice in omitted_notices(findings):
            typer.echo(f"note: {notice}", err=True)
    if out:
        with writing(out):
            write_text_atomic(out, report)
    else:
        sys.stdout.write(report)
    if has_errors(findings):
        raise typer.Exit(1)


if __name__ == "__main__":  # pragma: no cover
    app()
