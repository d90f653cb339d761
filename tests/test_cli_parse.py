"""``unld parse`` through the CLI: the record contract, and bad input with exit code 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests.conftest import CORPUS, EXAMPLE
from unld.cli import main


def run(*args: str) -> object:
    return CliRunner().invoke(main, list(args))


def test_one_file_prints_one_object() -> None:
    result = run("parse", str(EXAMPLE))
    assert result.exit_code == 0, result.output
    record = json.loads(result.output)
    assert record["symbol"] == "A/RES/76/19" and record["record_version"] == 2


def test_several_files_print_an_array() -> None:
    result = run("parse", str(EXAMPLE), str(CORPUS / "A_RES_80_114.txt"))
    assert result.exit_code == 0
    assert [r["symbol"] for r in json.loads(result.output)] == ["A/RES/76/19", "A/RES/80/114"]


def _bad(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


TRUNCATED = (CORPUS / "A_RES_76_19.txt").read_text().split("1. \nRecognizes")[0]


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("empty.txt", b"", "empty"),
        ("blank.txt", b"  \n\n \n", "empty"),
        ("binary.txt", bytes(range(256)) * 4, "binary"),
        (
            "letter.txt",
            b"Dear Sir,\nI write to you about the weather.\nYours sincerely\n",
            "not a General Assembly resolution",
        ),
        ("truncated.txt", TRUNCATED.encode(), "no operative part"),
    ],
)
def test_bad_input_exit_2_without_traceback(tmp_path: Path, name: str, data: bytes, expected: str) -> None:
    path = _bad(tmp_path, name, data)
    result = run("parse", str(path))
    assert result.exit_code == 2
    assert str(path) in result.output and expected in result.output
    assert "Traceback" not in result.output


def test_missing_file(tmp_path: Path) -> None:
    result = run("parse", str(tmp_path / "nope.txt"))
    assert result.exit_code == 2
    assert "nope.txt: no such file" in result.output


def test_good_records_survive_a_bad_file(tmp_path: Path) -> None:
    bad = _bad(tmp_path, "letter.txt", b"Hello\n")
    result = run("parse", str(EXAMPLE), str(bad))
    assert result.exit_code == 2
    assert [r["symbol"] for r in json.loads(result.stdout)] == ["A/RES/76/19"]
    assert "letter.txt" in result.stderr
