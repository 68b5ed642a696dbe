"""The command line: what a student types, what they see, and the exit status."""

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest

from tinynet.__main__ import main

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run(*args):
    return subprocess.run([sys.executable, "-m", "tinynet", *args], cwd=ROOT, capture_output=True,
                          text=True, stdin=subprocess.DEVNULL)


def test_demo_quick_trains_and_writes_pictures(tmp_path):
    out = run("demo", "--quick", "--epochs", "2", "--out", str(tmp_path / "pics"), "--save", str(tmp_path / "m.json"))
    assert out.returncode == 0, out.stderr
    assert "test accuracy" in out.stdout and "pictures written" in out.stdout
    assert "after 2 epochs (" in out.stdout
    assert "val_ on a fixed sample of 500 test digits; all 4649 at the end" in out.stdout
    assert "test accuracy" in out.stdout and "on all 4649 held-out digits" in out.stdout
    names = sorted(os.listdir(tmp_path / "pics"))
    assert names == ["first_layer_weights.svg", "loss_curve.svg", "misclassified.svg", "network.svg"]
    for name in names:
        ET.parse(str(tmp_path / "pics" / name))
    assert json.loads((tmp_path / "m.json").read_text())["format"] == "tinynet-network"


def test_demo_scores_a_fixed_sample_of_the_test_digits_during_training():
    from tinynet.__main__ import _test_sample
    from tinynet.datasets import load_digits16
    data = load_digits16()
    X, y = _test_sample(data, 300, seed=0)
    assert len(X) == len(y) == 300 and (X, y) == _test_sample(data, 300, seed=0)
    assert all(row in data.X_test for row in X[:5])
    assert _test_sample(data, 0, seed=0)[1] == data.y_test          # 0: all of them


def test_train_on_iris(tmp_path, capsys):
    model = tmp_path / "iris.json"
    assert main(["train", "--data", "iris", "--layers", "8", "--epochs", "30", "--standardize",
                 "--save", str(model)]) == 0
    out = capsys.readouterr().out
    assert "test loss" in out and "accuracy" in out and model.exists()


def test_train_regression_reports_rmse(capsys):
    assert main(["train", "--data", "boston", "--layers", "8", "--epochs", "3", "--standardize",
                 "--lr", "0.01"]) == 0
    assert "rmse" in capsys.readouterr().out


@pytest.mark.parametrize("args,message", [
    (["train", "--data", "nope"], "unknown data set 'nope'; available:"),
    (["train", "--data", "iris", "--layers", "8,x"], "--layers must be hidden layer sizes"),
    (["train", "--data", "iris", "--layers", "0"], "at least 1 unit"),
    (["train", "--data", "iris", "--optimizer", "rmsprop"], "unknown optimizer"),
    (["train", "--data", "iris", "--save", "{file}/dir/m.json"], "cannot create the output folder"),
    (["demo", "--out", "{file}/dir"], "cannot create the output folder"),
    (["demo", "--backend", "cuda"], "unknown backend 'cuda'"),
])
def test_user_mistakes_are_one_line_and_exit_2(args, message, capsys, tmp_path):
    a_file = tmp_path / "a-file"                     # no folder can be made inside a file, on any OS
    a_file.write_text("")
    assert main([arg.replace("{file}", str(a_file)) for arg in args]) == 2
    err = capsys.readouterr().err
    assert message in err
    assert err.count("\n") == 1 and "Traceback" not in err


def test_info_lists_backends():
    out = run("info")
    assert out.returncode == 0
    assert "tinynet" in out.stdout and "backend python" in out.stdout


def test_bad_subcommand_exits_2_without_traceback():
    out = run("fly")
    assert out.returncode == 2 and "Traceback" not in out.stderr


def test_no_command_prints_help():
    out = run()
    assert out.returncode == 0 and "demo" in out.stdout


@pytest.mark.parametrize("name", ["xor", "moons", "spirals", "circles"])
def test_train_on_generated_sets(name, capsys):
    assert main(["train", "--data", name, "--layers", "4", "--activation", "tanh", "--epochs", "5"]) == 0
    assert "accuracy" in capsys.readouterr().out


@pytest.mark.parametrize("args", [["demo", "--epochs", "-1"], ["demo", "--hidden", "0"],
                                  ["train", "--data", "iris", "--epochs", "0"],
                                  ["train", "--data", "iris", "--batch-size", "x"]])
def test_counts_must_be_positive_whole_numbers(args, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err
    assert "expected a whole number of at least 1" in err and "Traceback" not in err
    assert err.count("\n") == 1
