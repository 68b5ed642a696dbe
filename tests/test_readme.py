"""The README stays true: its commands, its links, and the lecture map's names exist in the code."""

import glob
import os
import re

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as handle:
        return handle.read()


README = read("README.md")
DOCS = ["README.md"] + sorted(os.path.relpath(p, ROOT) for p in glob.glob(os.path.join(ROOT, "docs", "*.md")))


def test_the_two_set_up_commands_come_first():
    first = README.split("## ")[0]
    assert 'python -m tinynet demo ' in first
    assert 'python -m pip install -e ".[test,opencl,pocl]" && python -m pytest' in first


@pytest.mark.parametrize("doc", DOCS)
def test_relative_links_point_at_files(doc):
    folder = os.path.dirname(os.path.join(ROOT, doc))
    for target in re.findall(r"\]\(([^)#]+)\)", read(doc)):
        if not target.startswith("http"):
            assert os.path.exists(os.path.join(folder, target)), "{}: {}".format(doc, target)


def _lecture_rows():
    table = README.split("## The lecture in code")[1].split("\n## ")[0]
    for line in table.splitlines():
        if line.startswith("| ") and "](" in line:
            yield line


def test_the_lecture_map_names_functions_that_exist():
    checked = 0
    for row in _lecture_rows():
        code = row.rsplit(" | ", 1)[1]
        # "[file](path) `name`, `other`; [file2](path2) `name2`": each name in the file before it
        for path, names in re.findall(r"\]\(([^)]+\.py)\)([^[]*)", code):
            source = read(path)
            for name in re.findall(r"`([A-Za-z_][\w.]*)`", names):
                last = name.split(".")[-1]
                assert re.search(r"^\s*(def|class) {}\b".format(last), source, re.M), \
                    "README's lecture map: {} is not defined in {}".format(name, path)
                checked += 1
    assert checked > 30


@pytest.mark.parametrize("doc", DOCS)
def test_what_users_read_speaks_of_the_code_and_the_machine(doc):
    text = read(doc).lower()
    for words in ("the issue", "issue's", "core issue", "not met", "slow spell", "speed target"):
        assert words not in text, "{} says {!r}".format(doc, words)


def _python_block(section):
    text = README.split("## " + section)[1]
    return text.split("```python\n")[1].split("```")[0]


def test_the_ten_lines_and_the_own_data_example_run(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "flowers.csv").write_text("sepal length,sepal width,species\n" + "".join(
        "{},{},{}\n".format(5.0 + i % 3 * 0.9, 3.0 + i % 2 * 0.4, ("setosa", "versicolor", "virginica")[i % 3])
        for i in range(30)))
    scope = {}
    exec(_python_block("Ten lines"), scope)
    assert "[0, 1, 1, 0]" in capsys.readouterr().out
    assert (tmp_path / "xor.json").exists() and (tmp_path / "xor-loss.svg").exists()
    exec(_python_block("Your own data"), scope)
    assert scope["data"].target_names == ["setosa", "versicolor", "virginica"]
    assert scope["net"].history.epochs == 200
