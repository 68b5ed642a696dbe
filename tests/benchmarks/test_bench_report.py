"""The report of ``python -m tinynet bench``: tables, Markdown, charts, errors.

These are ordinary tests (no pytest-benchmark needed): they time the cheap
Boston epoch once, or read a made-up pytest-benchmark JSON.
"""

import json
import xml.etree.ElementTree as ET

from tinynet.__main__ import main
from tinynet.benchmarks.cases import cases
from tinynet.benchmarks.report import crossover, launch_lines, results_from_pytest_json, text_report


def _fake_json(path):
    rows = []
    for impl, times in (("python", (1e-3, 4e-3, 16e-3)), ("opencl", (3e-3, 3.5e-3, 4e-3))):
        for size, seconds in zip((16, 32, 64), times):
            rows.append({"group": "x", "name": "test_dense_step[{}-{}]".format(impl, size),
                         "stats": {"median": seconds, "min": seconds, "rounds": 5},
                         "extra_info": {"group": "dense_step", "impl": impl, "size": size,
                                        "flops": 6 * 32 * size * size, "device": "CPU",
                                        "dtype": "float32", "peak_gflops": 100.0,
                                        "peak_formula": "made up"}})
    rows.append({"group": "y", "name": "test_other", "stats": {"median": 1, "min": 1, "rounds": 1},
                 "extra_info": {}})
    with open(path, "w") as handle:
        json.dump({"benchmarks": rows}, handle)


def test_crossover_is_the_width_from_which_the_device_stays_faster(tmp_path):
    path = tmp_path / "bench.json"
    _fake_json(path)
    results = results_from_pytest_json(path)
    assert len(results) == 6                     # the foreign benchmark is left out
    assert crossover(results, "opencl") == 32
    slower = [dict(r, seconds=1.0) if r["impl"] == "opencl" else r for r in results]
    assert crossover(slower, "opencl") is None
    text = text_report(results)
    assert "crossover: opencl is faster than pure Python from Dense width 32" in text
    assert "4×" in text                          # 16 ms / 4 ms at width 64


def test_bench_from_json_prints_tables_and_markdown(tmp_path, capsys):
    path = tmp_path / "bench.json"
    _fake_json(path)
    assert main(["bench", "--from-json", str(path)]) == 0
    out = capsys.readouterr().out
    assert "speed-up vs python" in out and "GFLOP/s" in out and "of peak" in out
    assert main(["bench", "--from-json", str(path), "--markdown"]) == 0
    out = capsys.readouterr().out
    assert "- date: " in out and "- machine: " in out and "- OpenCL device: " in out
    assert "| backend | size | time/call |" in out


def test_the_report_speaks_of_the_machine_that_ran_it(tmp_path, capsys):
    rows = [{"group": "g", "name": "test_epoch[{}]".format(impl),
             "stats": {"median": seconds, "min": seconds, "rounds": 3},
             "extra_info": {"group": "epoch_digits", "impl": impl, "samples": 1600,
                            "reference": impl.startswith("ref-")}}
            for impl, seconds in (("python", 2.0), ("ref-tutorial", 3.0), ("ref-naive", 2.5))]
    path = tmp_path / "bench.json"
    path.write_text(json.dumps({"benchmarks": rows}))
    for extra in ([], ["--markdown"]):
        assert main(["bench", "--from-json", str(path)] + extra) == 0
        out = capsys.readouterr().out
        assert "pure Python, digits MLP epoch: 800 samples/s on this machine" in out
        assert "for comparison 943 samples/s on a 2-core Intel Xeon VM" in out
        assert "tinynet python ran 1.50× as fast as the tutorial-style per-neuron network" in out
        assert "tinynet python ran 1.25× as fast as the careful per-neuron network" in out
        for word in ("target", "NOT met", "issue"):
            assert word not in out, word


def test_crossover_against_numpy_says_where_the_device_pays():
    def rows(impl, times, reference=False):
        return [{"group": "dense_step", "impl": impl, "size": n, "seconds": t, "reference": reference,
                 "flops": 6 * 32 * n * n}
                for n, t in zip((16, 128, 1024), times)]
    numpy = rows("ref-numpy", (1e-5, 1e-4, 3e-3), reference=True)
    gpu = rows("opencl", (1e-4, 9e-5, 3e-4))                  # an H100: ahead from 128 on
    assert crossover(gpu + numpy, "opencl", against="ref-numpy") == 128
    text = text_report(gpu + numpy)
    assert "opencl is faster than NumPy float32 from Dense width 128 on" in text
    cpu = rows("opencl", (2e-4, 9e-5, 4e-3))                  # pocl: ahead at 128 only
    text = text_report(cpu + numpy)
    assert "opencl does not stay faster than NumPy float32 up to Dense width 1024 (batch 32); " \
           "faster at: 128" in text


def test_the_opencl_device_line_leaves_numpys_cpu_rows_out():
    from tinynet.benchmarks.report import markdown_report
    row = {"group": "dense_step", "title": "t", "size": 16, "seconds": 1e-3, "flops": 1.0,
           "dtype": "float32", "reference": False}
    results = [dict(row, impl="opencl", device="NVIDIA H100"),
               dict(row, impl="ref-numpy", device="CPU", reference=True),
               dict(row, impl="ref-numpy-1t", device="CPU, 1 thread", reference=True)]
    line = [x for x in markdown_report(results).splitlines() if x.startswith("- OpenCL device")]
    assert line == ["- OpenCL device: NVIDIA H100 (float32)"]


def test_bench_times_the_boston_epoch_and_draws_charts(tmp_path, capsys):
    folder = tmp_path / "charts"
    assert main(["bench", "--groups", "epoch_boston,matmul",
                 "--backends", "python,ref-naive,ref-tutorial",
                 "--rounds", "1", "--svg", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "epoch: Boston regression" in out and "samples/s" in out
    assert "ref-naive" in out and "ref-tutorial" in out and "ref-peak CPU float64" in out
    for name in ("bench_epoch_boston.svg", "bench_matmul.svg"):
        ET.parse(str(folder / name))             # well-formed SVG


def test_bench_errors_are_one_line(tmp_path, capsys):
    assert main(["bench", "--groups", "nonsense"]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("tinynet: error: unknown group 'nonsense'") and "\n" not in err
    assert main(["bench", "--from-json", str(tmp_path / "missing.json")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("tinynet: error: cannot read the benchmark JSON") and "\n" not in err


def test_launches_per_batch_are_reported_for_backends_that_count_them():
    rows = [{"group": "epoch_digits", "impl": "opencl", "seconds": 0.01, "samples": 1600,
             "launches_per_batch": 8.0},
            {"group": "epoch_digits", "impl": "python", "seconds": 2.0, "samples": 1600}]
    assert launch_lines(rows) == ["launches per training batch: opencl 8 (epoch: digits MLP "
                                  "256→64 sigmoid→10 softmax; the loss is read once an epoch)"]
    assert "launches per training batch: opencl 8" in text_report(rows)


def test_in_turn_times_each_case_every_round_and_gives_the_ratio_to_the_first(capsys, monkeypatch):
    from tinynet.benchmarks import cli
    order = []
    real = cli.in_turn

    def spy(todo, rounds, calls=3):
        timed, skipped = real(todo, rounds, calls)
        order.extend(case.impl for case in todo)
        return timed, skipped

    monkeypatch.setattr(cli, "in_turn", spy)
    assert main(["bench", "--in-turn", "2", "--rounds", "1", "--groups", "epoch_boston",
                 "--backends", "ref-naive,python"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert order == ["ref-naive", "python"]      # the first backend named is the baseline
    assert lines[0] == ("timed in turn: 2 rounds, each the best of 1 calls of every case; "
                        "medians over the rounds")
    assert lines[1].startswith("epoch_boston: ref-naive ") and "time" not in lines[1]
    assert lines[2].startswith("epoch_boston: python ")
    assert "× ref-naive's time (per round " in lines[2]
    timed, _ = real(cases(["epoch_boston"], ["python"]), 3, 1)
    assert len(timed[0][1]) == 3                  # one best time a round


def test_in_turn_refuses_charts_and_zero_rounds(capsys):
    assert main(["bench", "--in-turn", "1", "--svg", "x"]) == 2
    assert "leave out --in-turn" in capsys.readouterr().err
    assert main(["bench", "--in-turn", "-1"]) == 2
    assert "--in-turn and --rounds must be at least 1" in capsys.readouterr().err


def test_in_turn_warms_up_a_fast_case_before_each_round(monkeypatch):
    """Timed straight after a slow case, a fast one would start cold: it runs once untimed first."""
    import time
    from tinynet.benchmarks import cli

    class Case:
        group, size = "epoch_digits", None

        def __init__(self, impl, seconds):
            self.impl, self.seconds, self.runs = impl, seconds, 0

        def prepare(self):
            case = self

            class Ready:
                info = {}

                def run(self):
                    case.runs += 1
                    time.sleep(case.seconds)

                def check(self, result):
                    pass
            return Ready()

    monkeypatch.setattr(cli, "WARM_UP_BELOW", 0.04)
    fast, slow = Case("fast", 0.003), Case("slow", 0.06)     # one call each (≥ 2 ms)
    timed, skipped = cli.in_turn([slow, fast], rounds=2, calls=2)
    assert not skipped and [len(times) for _, times in timed] == [2, 2]
    assert slow.runs == 1 + 2 * 2          # the first (checked) call, then 2 timed a round
    assert fast.runs == 1 + 2 * (1 + 2)    # and one untimed call before them in each round


def test_a_multithreaded_numpy_case_is_followed_by_a_pause(monkeypatch):
    """OpenBLAS's threads spin on after a call: the next case waits until they stop."""
    from tinynet.benchmarks import cli, machine

    class Case:
        group, size = "matmul", 16

        def __init__(self, impl):
            self.impl = impl

        def prepare(self):
            class Ready:
                info = {}

                def run(self):
                    events.append("run " + impl)

                def check(self, result):
                    pass
            impl = self.impl
            return Ready()

    events = []
    monkeypatch.setattr(machine.time, "sleep", lambda s: events.append("sleep {:g}".format(s)))
    cli.in_turn([Case("opencl"), Case("ref-numpy"), Case("ref-numpy-1t")], rounds=1, calls=1)
    at = events.index("sleep 0.25")
    assert machine.SETTLE_AFTER == {"ref-numpy": 0.25}
    assert events.count("sleep 0.25") == 1 and events[at - 1] == "run ref-numpy"
    assert events[at + 1:] and all(e == "run ref-numpy-1t" for e in events[at + 1:])
