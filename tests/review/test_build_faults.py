"""Builds that cannot finish: killed (SIGKILL) at every stage, a full disk, a read-only folder, a file given as the
folder. Each time the earlier versions stay byte for byte, no partial glossary-vN.xlsx appears, the failure is one
line with exit code 2 (when the process lives to say it), and the next build takes the next number and recovers
the lock.

The corpus is the first half of seeds 001 and 002; v1 and v2 are built once per module (in-process, into a cache
the command-line builds then read), and every test works on a copy.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from conftest import copy_seed_halves
from glossary.cli import app
from glossary.config import load_settings
from glossary.formats.workbook import VERSION_NAME, list_versions, read_glossary
from glossary.review.build import build_glossary
from glossary.review.lock import ABANDONED_TEMP, LOCK_NAME

runner = CliRunner()


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """(corpus folder, folder holding v1 and v2, cache folder the builds share)."""
    root = tmp_path_factory.mktemp("faults")
    corpus, versions, cache = root / "corpus", root / "versions", root / "cache"
    corpus.mkdir()
    copy_seed_halves(corpus)
    for _ in range(2):
        build_glossary([corpus], None, versions, load_settings(), cache_dir=cache)
    return corpus, versions, cache


@pytest.fixture
def folder(published, tmp_path):
    """A private copy of the v1 + v2 folder."""
    out = tmp_path / "versions"
    shutil.copytree(published[1], out)
    return out


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def assert_intact(folder: Path, before: dict[str, bytes], allow_new_version: bool = False) -> None:
    """The earlier versions as they were; any glossary-vN.xlsx present is a whole workbook."""
    now = snapshot(folder)
    # the versions, byte for byte; a lock or temporary file an earlier killed build left is the next build's to clear
    versions = {name for name in before if VERSION_NAME.match(name)}
    assert {name: now.get(name) for name in versions} == {name: before[name] for name in versions}
    for _, path in list_versions(folder):
        read_glossary(path)  # a partial workbook would not open
    if not allow_new_version:
        assert [path.name for _, path in list_versions(folder)] == sorted(before)


def one_line_error(result, *fragments) -> str:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and "Traceback" not in result.output, result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def build_in_process(corpus: Path, out_dir: Path):
    return runner.invoke(app, ["build", str(corpus), "--out-dir", str(out_dir)])


@pytest.fixture
def no_mining(monkeypatch):
    """The check must come before the slow part: mining fails the test if reached."""
    from glossary.mining import mine

    monkeypatch.setattr(mine, "mine_corpus", lambda *a, **k: pytest.fail("mined before checking --out-dir"))


# --- one line, exit 2, in-process ---------------------------------------------------------------------------------


def test_out_dir_naming_a_file(published, tmp_path, no_mining):
    file = tmp_path / "glossary.xlsx"
    file.write_bytes(b"a file, not a folder")
    one_line_error(build_in_process(published[0], file), str(file), "is a file, not a folder")
    one_line_error(build_in_process(published[0], file / "versions"), f"{file} is a file")
    assert file.read_bytes() == b"a file, not a folder"


def test_a_full_disk_while_saving(published, folder, monkeypatch):
    from openpyxl.writer.excel import ExcelWriter

    before = snapshot(folder)

    def half_then_full(self):
        self._archive.writestr("xl/half.xml", b"half a workbook")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(ExcelWriter, "save", half_then_full)
    one_line_error(build_in_process(published[0], folder), "glossary-v3.xlsx", "no space left on the disk")
    assert snapshot(folder) == before  # no temporary file, no lock, no v3


def test_a_read_only_folder_simulated(published, folder, monkeypatch):
    """Root writes to read-only folders, so creating files there is refused by hand."""
    before = snapshot(folder)
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if flags & os.O_CREAT and Path(path).parent == folder:
            raise PermissionError(13, "Permission denied", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    one_line_error(build_in_process(published[0], folder), str(folder), "permission denied")
    assert snapshot(folder) == before


@pytest.mark.skipif(os.name == "nt" or os.geteuid() == 0, reason="root writes to read-only folders (chmod does not "
                    "stop it); test_a_read_only_folder_simulated covers the case")
def test_a_read_only_folder(published, folder, no_mining):
    before = snapshot(folder)
    folder.chmod(0o555)
    try:
        one_line_error(build_in_process(published[0], folder), str(folder), "permission denied")
    finally:
        folder.chmod(0o755)
    assert snapshot(folder) == before


# --- killed at every stage, in a process of its own ---------------------------------------------------------------

# Runs the command line after arranging for the process to SIGKILL itself at one stage: nothing after that point
# runs, not even `finally` blocks, as when the power fails or the OOM killer strikes.
KILLER = textwrap.dedent("""
    import os, signal, sys

    stage = sys.argv[1]

    def die():
        os.kill(os.getpid(), signal.SIGKILL)

    def at(module, name, before=True, partial=None):
        real = getattr(module, name)

        def hooked(*args, **kwargs):
            if before:
                die()
            result = real(*args, **kwargs)
            if partial is None or partial(*args):
                die()
            return result

        setattr(module, name, hooked)

    if stage == "reading":
        import glossary.corpus.load as load
        at(load, "read_source")
    elif stage == "caching":  # in the middle of writing a cache entry
        import glossary.cache as cache
        real_write = cache._Packer.write_archive

        def half_written(self, handle, skeleton):
            real_write(self, handle, skeleton)
            handle.truncate(handle.tell() // 2)
            handle.flush()
            die()

        cache._Packer.write_archive = half_written
    elif stage == "aligning":
        import glossary.align as align
        at(align, "draft_english")
    elif stage == "locked":  # the lock taken, nothing written yet
        import glossary.review.build as build
        at(build, "remove_abandoned_temps")
    elif stage == "saving":  # half the workbook on disk, not renamed
        from openpyxl.writer.excel import ExcelWriter

        def half_saved(self):
            self.write_data()  # every part written, the zip's directory not yet: a half-saved workbook
            self._archive.fp.flush()
            die()

        ExcelWriter.save = half_saved
    elif stage == "renamed":  # the new version in place, the lock still held
        at(os, "replace", before=False, partial=lambda source, target: str(target).endswith(".xlsx"))
    from glossary.cli import app

    sys.argv = ["glossary", *sys.argv[2:]]
    app()
""")
STAGES = ["reading", "caching", "aligning", "locked", "saving", "renamed"]


def run_build(corpus: Path, out_dir: Path, cache: Path, stage: str | None = None, kill_after: float | None = None):
    """The build in a process of its own: killed at `stage`, or from outside after `kill_after` seconds."""
    env = {**os.environ, "GLOSSARY_CACHE": str(cache)}
    command = [sys.executable, "-c", KILLER, stage or "none", "build", str(corpus), "--out-dir", str(out_dir)]
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=kill_after)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
    return process.returncode, out, err


def assert_next_build_recovers(corpus: Path, folder: Path, cache: Path) -> None:
    expected = f"glossary-v{list_versions(folder)[-1][0] + 1}.xlsx"
    code, out, err = run_build(corpus, folder, cache)
    assert code == 0, err
    assert out.strip().splitlines()[-1] == str(folder / expected)
    assert not (folder / LOCK_NAME).exists()
    assert not [p for p in folder.iterdir() if ABANDONED_TEMP.match(p.name) or ".stale." in p.name]
    read_glossary(folder / expected)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
@pytest.mark.parametrize("stage", STAGES)
def test_a_build_killed_at_each_stage(published, folder, tmp_path, stage):
    corpus, _, shared_cache = published
    cache = tmp_path / "cache"
    if stage != "caching":  # a warm cache, as a re-build has; `caching` needs work left to cache
        shutil.copytree(shared_cache, cache)
    before = snapshot(folder)
    code, _, err = run_build(corpus, folder, cache, stage)
    assert code == -signal.SIGKILL, err
    assert_intact(folder, before, allow_new_version=stage == "renamed")
    if stage == "renamed":
        assert (folder / "glossary-v3.xlsx").is_file() and (folder / LOCK_NAME).is_file()
    if stage == "saving":
        assert [p for p in folder.iterdir() if ABANDONED_TEMP.match(p.name)]  # what the next build cleans up
    assert_next_build_recovers(corpus, folder, cache)
    assert_intact(folder, before, allow_new_version=True)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "killpg"), reason="needs process groups")
def test_a_build_killed_from_outside_at_any_moment(published, folder, tmp_path):
    corpus, _, shared_cache = published
    cache = tmp_path / "cache"
    shutil.copytree(shared_cache, cache)
    start = time.monotonic()
    assert run_build(corpus, folder, cache)[0] == 0  # a whole build, to know how long one takes
    whole = time.monotonic() - start
    for fraction in (0.2, 0.5, 0.8, 0.9, 0.97):
        before = snapshot(folder)
        run_build(corpus, folder, cache, kill_after=whole * fraction)
        assert_intact(folder, before, allow_new_version=True)  # killed after the rename: a whole new version
    assert_next_build_recovers(corpus, folder, cache)


# --- a really full disk: a small tmpfs in a mount namespace of its own --------------------------------------------

# In a mount namespace of its own: a tmpfs holding the versions and an earlier output, filled but for 8 KB (room
# for a lock, not for a workbook or a table), then each command writing to it (their stderr and exit codes go to
# the folder $6, off the full disk), then a report of what the tmpfs holds.
TMPFS_SCRIPT = textwrap.dedent("""
    set -e
    mount -t tmpfs -o size={size}k tmpfs "$1"
    cp -a "$2" "$1/versions"
    echo "an earlier output" > "$1/terms.tsv"
    free=$(df -k --output=avail "$1" | tail -1)
    head -c $(( (free - 8) * 1024 )) /dev/zero > "$1/filler" || true
    set +e
    export GLOSSARY_CACHE="$3"
    "$4" -m glossary.cli build "$5" --out-dir "$1/versions" 2> "$6/build.err"; echo "$?" > "$6/build.code"
    "$4" -m glossary.cli mine "$5" --format xlsx --out "$1/terms.xlsx" 2> "$6/xlsx.err"; echo "$?" > "$6/xlsx.code"
    "$4" -m glossary.cli mine "$5" --format tsv --out "$1/terms.tsv" 2> "$6/tsv.err"; echo "$?" > "$6/tsv.code"
    rm "$1/filler"
    "$4" - "$1" "$6" <<'PYTHON'
    import json, hashlib, sys
    from pathlib import Path
    root, logs = Path(sys.argv[1]), Path(sys.argv[2])
    print(json.dumps({{
        "runs": {{run: [int((logs / f"{{run}}.code").read_text()), (logs / f"{{run}}.err").read_text()]
                 for run in ("build", "xlsx", "tsv")}},
        "versions": {{p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in (root / "versions").iterdir()}},
        "outputs": sorted(p.name for p in root.iterdir()),
        "tsv": (root / "terms.tsv").read_text(),
    }}))
    PYTHON
""")


def _can_mount_tmpfs(mountpoint: Path) -> bool:
    if not shutil.which("unshare") or not shutil.which("mount"):
        return False
    probe = subprocess.run(["unshare", "-m", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs '{mountpoint}'"],
                           capture_output=True)
    return probe.returncode == 0


@pytest.mark.slow
def test_a_really_full_disk(published, folder, tmp_path):
    import hashlib

    mountpoint = tmp_path / "disk"
    mountpoint.mkdir()
    if sys.platform != "linux" or not _can_mount_tmpfs(mountpoint):
        pytest.skip("cannot mount a tmpfs here (needs Linux, unshare and the right to mount: not in most containers)")
    corpus, _, shared_cache = published
    size = sum(p.stat().st_size for p in folder.iterdir()) // 1024 + 512
    script = TMPFS_SCRIPT.format(size=size)
    logs = tmp_path / "logs"
    logs.mkdir()
    result = subprocess.run(["unshare", "-m", "sh", "-c", script, "sh", str(mountpoint), str(folder), str(shared_cache),
                             sys.executable, str(corpus), str(logs)], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    for run, (code, stderr) in report["runs"].items():
        lines = stderr.strip().splitlines()
        assert code == 2 and len(lines) == 1 and lines[0].startswith("error: "), (run, stderr)
        assert "no space left on the disk" in lines[0], lines
    assert report["versions"] == {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.iterdir()}
    assert report["outputs"] == ["terms.tsv", "versions"] and report["tsv"] == "an earlier output\n"
    assert not any(mountpoint.iterdir())  # the tmpfs lived only in its namespace
