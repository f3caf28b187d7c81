"""The command line: each command parses options, calls one library function, and writes what it returns."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import __version__
from .errors import InputError

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Mine, align, version and check Chinese-English term glossaries for UN documents.",
    context_settings={"help_option_names": ["-h", "--help"]},
)

PathsArg = typer.Argument(None, help="Files or folders (searched recursively). Default: the bundled seeds/ corpus.")
SkipBad = typer.Option(False, "--skip-bad", help="Report unreadable files and go on without them.")


def fails_cleanly(command):
    """Bad input ends in one plain line on stderr and exit code 2, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except InputError as exc:
            typer.echo(f"error: {exc}", err=True)
            raise typer.Exit(2)

    return wrapper


def default_format(table_format: str, piped_format: str) -> str:
    return table_format if sys.stdout.isatty() else piped_format


def _load(paths: Optional[List[Path]], skip_bad: bool):
    from .config import SEEDS_DIR, load_settings
    from .corpus import load_corpus

    settings = load_settings()
    corpus = load_corpus(list(paths) if paths else [SEEDS_DIR], settings=settings, skip_bad=skip_bad)
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
    fmt: Optional[str] = typer.Option(None, "--format", help="table | json | csv"),
    out: Optional[Path] = typer.Option(None, "--out", help="Write to FILE instead of stdout."),
    top: int = typer.Option(30, "--top", help="How many frequent content words to list."),
    skip_bad: bool = SkipBad,
):
    """Corpus statistics: documents, characters, tokens, types, repairs, frequent content words."""
    from .output import emit, render_table, to_json, write_text_atomic
    from .stats import corpus_stats

    fmt = fmt or default_format("table", "json")
    _check_format(fmt, ("table", "json", "csv"))
    corpus, settings = _load(paths, skip_bad)
    result = corpus_stats(corpus.documents, settings, top=top)
    if fmt == "csv":
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
        write_text_atomic(out, text)
    else:
        sys.stdout.write(text)


MINE_COLUMNS = ["term", "freq", "docs", "score", "variants", "tokens", "example"]


@app.command()
@fails_cleanly
def mine(
    paths: Optional[List[Path]] = PathsArg,
    top: int = typer.Option(200, "--top", help="How many terms to list (0: all)."),
    min_freq: Optional[int] = typer.Option(None, "--min-freq", help="Least occurrences of a candidate."),
    fmt: Optional[str] = typer.Option(None, "--format", help="table | tsv | csv | json | xlsx"),
    out: Optional[Path] = typer.Option(None, "--out", help="Write to FILE instead of stdout."),
    all_columns: bool = typer.Option(False, "--all-columns", help="Add every statistic behind the score."),
    skip_bad: bool = SkipBad,
):
    """Rank the recurring multiword Chinese terms of a corpus, variants grouped."""
    from .mine import mine_corpus
    from .output import emit
    from .segment import default_cache_dir

    fmt = fmt or default_format("table", "tsv")
    _check_format(fmt, ("table", "tsv", "csv", "json", "xlsx"))
    if fmt == "xlsx" and out is None:
        raise InputError(None, "--format xlsx needs --out FILE")
    corpus, settings = _load(paths, skip_bad)
    result = mine_corpus(corpus.documents, settings, min_freq=min_freq, cache_dir=default_cache_dir())
    terms = result.terms if top <= 0 else result.terms.head(top)
    if fmt == "table":
        emit(terms[["term", "freq", "docs", "score", "variants"]], fmt, out, title="Terms")
    elif all_columns or fmt == "xlsx":
        columns = MINE_COLUMNS + [c for c in terms.columns if c not in MINE_COLUMNS]
        emit(terms[columns], fmt, out)
    else:
        emit(terms[MINE_COLUMNS + ["first_year", "last_year", "forms_by_year"]], fmt, out)


@app.command()
@fails_cleanly
def evaluate(
    paths: Optional[List[Path]] = PathsArg,
    gold: Path = typer.Option(..., "--gold", help="Reference TSV with columns en and zh (forms |-separated)."),
    top: Optional[List[int]] = typer.Option(None, "--top", help="K for precision and recall at K (repeatable)."),
    valid: Optional[Path] = typer.Option(None, "--valid", help="Further terms judged valid, one per line."),
    task: str = typer.Option("mine", "--task", help="mine (alignment is not built yet)"),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Also score jieba TF-IDF (mine task)."),
    skip_bad: bool = SkipBad,
):
    """Precision and recall at K of the ranked terms against a reference list, beside jieba TF-IDF."""
    from .config import DATA_DIR
    from .evaluate import read_gold, read_valid_terms, score_ranking, scores_table, tfidf_baseline
    from .mine import mine_corpus
    from .output import render_table
    from .segment import default_cache_dir

    concepts = read_gold(gold)
    if task != "mine":
        raise InputError(None, f"--task {task!r} is not available: this version evaluates term mining only")
    corpus, settings = _load(paths, skip_bad)
    ks = list(top) if top else [50, 100, 200]
    default_valid = DATA_DIR / "valid_terms.txt"
    valid_terms = read_valid_terms(valid if valid else (default_valid if default_valid.is_file() else None))
    text = "\n".join(p.text for d in corpus.documents for p in d.paragraphs)
    ranked = mine_corpus(corpus.documents, settings, cache_dir=default_cache_dir()).terms["term"].tolist()
    results = [score_ranking(ranked, concepts, text, ks, valid_terms, "glossary mine")]
    if baseline:
        results.append(score_ranking(tfidf_baseline(text, max(ks)), concepts, text, ks, valid_terms, "jieba TF-IDF"))
    sys.stdout.write(render_table(scores_table(results, ks), f"Against {gold.name} (+{len(valid_terms)} valid terms)"))
    for result in results:
        typer.echo(
            f"{result.system}: "
            + ", ".join(f"P@{k}={result.precision[k]:.3f}" for k in ks)
            + "; "
            + ", ".join(f"R@{k}={result.recall[k]:.3f}" for k in ks)
        )


if __name__ == "__main__":  # pragma: no cover
    app()
