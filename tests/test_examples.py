"""The lecture examples: each runs with --quick from a clean interpreter, states its claim, and draws.

Every script runs as ``python -I examples/NAME.py --quick --out TMP`` (isolated
mode: no site-packages, no PYTHONPATH, no current folder on sys.path), so an
example that works here works from a bare source checkout.  The runs start
together, as many at a time as there are CPUs, and each test reads its result.
"""

import os
import subprocess
import sys
import time
import xml.etree.ElementTree as ET

import pytest

from tinynet import examples

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# The pictures each example must write.
PICTURES = {
    "worked_example": ["network.svg"],
    "boston_regression": ["loss_curves.svg"],
    "digits16": ["loss_curve.svg", "confusion_matrix.svg", "misclassified.svg", "first_layer_weights.svg"],
    "universal_approximation": ["fits.svg", "hinges.svg"],
    "two_layer_numbers": ["loss.svg"],
    "computational_graph": ["lecture_J.svg", "lecture_uvw.svg", "gates.svg", "neuron.svg"],
    "zero_init_trap": ["network_zeros.svg", "network_small.svg", "boundary_zeros.svg", "boundary_small.svg"],
    "vanishing_gradients": ["gradients_sigmoid.svg", "gradients_relu.svg", "gradients_compared.svg"],
    "overfitting": ["fits.svg", "history_none.svg", "history_l2.svg", "history_l1.svg", "history_dropout.svg",
                    "history_early_stopping.svg"],
    "optimizers": ["loss_curves.svg"],
    "logistic_vs_hidden": ["logistic.svg", "hidden.svg"],
    "xor": ["boundary.svg", "network.svg", "loss.svg"],
    "cnn_digits": ["filters.svg", "feature_maps.svg", "feature_maps_2.svg", "loss_curves.svg"],
    "compare_backends": [],
    "vanishing_gradients_in_time": ["gradient_by_steps_back.svg"],
    "char_lstm": ["bits_per_char.svg"],
    "binary_addition": ["loss.svg", "accuracy_by_length.svg"],
    "autoencoder_digits": ["reconstructions.svg", "filters.svg", "loss.svg", "code_size.svg"],
    "sparse_features": ["filters_sparse.svg", "filters_plain.svg", "unit_activity.svg", "reconstructions.svg"],
    "rbm_digits": ["filters.svg", "fantasies.svg", "reconstructions.svg", "reconstruction_error.svg",
                   "free_energy.svg"],
    "dbn_pretraining": ["fine_tuning.svg"],
}


def _env():
    env = dict(os.environ)
    env.pop("PYTHONPATH", None)
    env["PYTHONIOENCODING"] = "utf-8"
    return env


@pytest.fixture(scope="module")
def quick_runs(tmp_path_factory):
    """Run every example with --quick, a few at a time: {name: (returncode, stdout, stderr, out folder)}."""
    base = tmp_path_factory.mktemp("examples")
    waiting = list(examples.ORDER)
    running, results = {}, {}
    parallel = max(1, min(4, os.cpu_count() or 1))
    while waiting or running:
        while waiting and len(running) < parallel:
            name = waiting.pop(0)
            out = str(base / name)
            process = subprocess.Popen(
                [sys.executable, "-I", os.path.join(ROOT, "examples", name + ".py"), "--quick", "--out", out],
                cwd=str(base), env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                encoding="utf-8")
            running[name] = (process, out, time.perf_counter())
        for name, (process, out, start) in list(running.items()):
            if process.poll() is not None or time.perf_counter() - start > 120:
                stdout, stderr = process.communicate(timeout=5) if process.poll() is not None else ("", "")
                if process.returncode is None:
                    process.kill()
                    stdout, stderr = process.communicate()
                results[name] = (process.returncode, stdout, stderr, out)
                del running[name]
        time.sleep(0.05)
    return results


def test_every_script_is_listed_and_every_listed_script_exists():
    on_disk = sorted(n[:-3] for n in os.listdir(os.path.join(ROOT, "examples"))
                     if n.endswith(".py") and not n.startswith("_"))
    assert sorted(examples.ORDER) == on_disk
    assert sorted(PICTURES) == on_disk


@pytest.mark.parametrize("name", examples.ORDER)
def test_example_runs_quick_and_states_its_claim(quick_runs, name):
    code, stdout, stderr, out = quick_runs[name]
    assert code == 0, "{} failed (exit {}):\n{}\n{}".format(name, code, stdout[-2000:], stderr[-3000:])
    claims = [line for line in stdout.splitlines() if line.startswith("claim:")]
    assert claims and all(" got: " in line for line in claims), stdout[-2000:]
    for picture in PICTURES[name]:
        path = os.path.join(out, picture)
        assert os.path.isfile(path), "{} did not write {}".format(name, picture)
        root = ET.parse(path).getroot()                  # well-formed XML
        assert root.tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.parametrize("name", examples.ORDER)
def test_example_has_a_docstring_main_and_quick_option(name):
    with open(os.path.join(ROOT, "examples", name + ".py"), encoding="utf-8") as handle:
        text = handle.read()
    assert text.startswith('"""') and "def main(argv=None):" in text and "--quick" in text
    assert "sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))" in text


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "tinynet"] + list(args), cwd=ROOT, env=_env(),
                          capture_output=True, text=True, encoding="utf-8", timeout=60)


def test_cli_lists_the_examples_in_lecture_order():
    result = _cli("example")
    assert result.returncode == 0, result.stderr
    listed = [line.split()[0] for line in result.stdout.splitlines()[1:] if line.strip()]
    assert listed == examples.ORDER
    assert "2-2-2-2" in result.stdout


def test_cli_unknown_example_is_a_one_line_error():
    result = _cli("example", "no_such_example")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("tinynet: error:") and "xor" in lines[0]
    assert result.stdout == ""


def test_run_in_process(tmp_path, capsys):
    assert examples.run("xor", ["--quick", "--out", str(tmp_path)]) == 0
    assert "claim:" in capsys.readouterr().out
    assert (tmp_path / "boundary.svg").is_file()
    assert examples.run("xor", ["--no-such-option"]) == 2           # argparse's usage error


def test_backend_option_switches_the_run_and_refuses_an_unknown_name(tmp_path, capsys):
    import tinynet
    assert examples.run("xor", ["--quick", "--out", str(tmp_path), "--backend", "python"]) == 0
    assert tinynet.backend_name() == "python"
    capsys.readouterr()
    assert examples.run("xor", ["--quick", "--backend", "no_such_backend"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert "unknown backend 'no_such_backend'" in err[-1] and "python" in err[-1]


def test_run_unknown_name_lists_the_names():
    with pytest.raises(LookupError, match="worked_example.*xor"):
        examples.run("nope", [])


def test_missing_examples_folder_says_they_ship_with_the_source(monkeypatch):
    monkeypatch.setattr(examples, "examples_folder", lambda: None)
    for call in (examples.list_examples, lambda: examples.run("xor", [])):
        with pytest.raises(LookupError, match="source checkout"):
            call()
