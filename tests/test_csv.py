"""Your own data: load_csv, its errors, the hint for raw text, and train --data FILE.csv."""

import io

import pytest

from tinynet import Dense, Network
from tinynet.__main__ import main
from tinynet.datasets import Dataset, load_csv
from tinynet.errors import DataError, DataTypeError

FLOWERS = """sepal length,sepal width,species
5.1,3.5,setosa
7.0,3.2,versicolor
6.3,3.3,virginica
4.9,3.0,setosa
6.4,3.2,versicolor
5.8,2.7,virginica
"""


def write(tmp_path, text, name="data.csv"):
    path = tmp_path / name
    path.write_text(text)
    return str(path)


def test_class_names_become_labels_and_are_kept(tmp_path):
    d = load_csv(write(tmp_path, FLOWERS, "flowers.csv"), target="species")
    assert isinstance(d, Dataset) and d.name == "flowers" and d.task == "classification"
    assert d.feature_names == ["sepal length", "sepal width"]
    assert d.target_names == ["setosa", "versicolor", "virginica"]
    assert d.y == [0, 1, 2, 0, 1, 2]
    assert d.X[0] == [5.1, 3.5] and all(type(x) is float for row in d.X for x in row)
    assert [d.target_names[label] for label in d.y[:3]] == ["setosa", "versicolor", "virginica"]
    assert "3 classes: setosa, versicolor, virginica" in d.description


def test_target_by_index_and_the_last_column_by_default(tmp_path):
    path = write(tmp_path, FLOWERS)
    assert load_csv(path).y == load_csv(path, target=2).y == load_csv(path, target=-1).y
    d = load_csv(io.StringIO("size,rooms,price\n50,2,100.5\n80,3,150\n"), target=0)
    assert d.task == "regression" and d.y == [50.0, 80.0] and d.target_names == ["size"]
    assert d.feature_names == ["rooms", "price"] and d.X[0] == [2.0, 100.5]
    with pytest.raises(DataError, match=r"line 2, column 'species': 'setosa' is not a number"):
        load_csv(path, target=0)                          # species is then an input


def test_a_numeric_target_is_regression_unless_told_it_holds_classes():
    text = "x,grade\n0.5,1\n1.5,3\n2.5,1\n3.5,10\n"
    d = load_csv(io.StringIO(text), target="grade")
    assert d.task == "regression" and d.y == [1.0, 3.0, 1.0, 10.0]
    d = load_csv(io.StringIO(text), target="grade", task="classification")
    assert d.task == "classification" and d.target_names == ["1", "3", "10"] and d.y == [0, 1, 0, 2]
    with pytest.raises(DataError, match=r"line 3, column 'kind': 'cat' is not a number"):
        load_csv(io.StringIO("x,kind\n1,2\n2,cat\n"), target="kind", task="regression")


def test_header_is_detected_or_given():
    no_header = "1,2,0\n3,4,1\n"
    d = load_csv(io.StringIO(no_header))
    assert len(d.X) == 2 and d.feature_names == ["column 1", "column 2"] and d.target_names == ["column 3"]
    assert load_csv(io.StringIO("a,b,c\n1,2,x\n")).feature_names == ["a", "b"]
    assert load_csv(io.StringIO("a,b,c\n" + no_header), header=True).X == [[1.0, 2.0], [3.0, 4.0]]
    assert len(load_csv(io.StringIO(no_header), header=False).X) == 2
    with pytest.raises(DataError, match="has no header line; give the column's index"):
        load_csv(io.StringIO(no_header), target="c")


def test_a_spreadsheet_export_with_a_byte_order_mark_and_windows_lines(tmp_path):
    path = tmp_path / "export.csv"
    path.write_bytes("\ufeffsize;kind\r\n1,5;small\r\n".replace(",", ".").encode("utf-8")
                     + "9.0;large\r\n".encode("utf-8"))
    d = load_csv(str(path), target="kind")
    assert d.feature_names == ["size"] and d.X == [[1.5], [9.0]] and d.target_names == ["large", "small"]


def test_semicolons_and_tabs_are_recognised():
    assert load_csv(io.StringIO("a;b\n1;2\n3;4\n")).X == [[1.0], [3.0]]
    assert load_csv(io.StringIO("a\tb\n1\t2\n3\t4\n")).y == [2.0, 4.0]


@pytest.mark.parametrize("text, message", [
    ("a,b,kind\n1,2,x\n3,red,y\n", r"line 3, column 'b': 'red' is not a number"),
    ("a,b,kind\n1,2,x\n3,,y\n", r"line 3, column 'b': missing value \(''\)\. Fill it in, or pass missing='drop'"),
    ("a,b,kind\n1,2,x\n3,NA,y\n", r"line 3, column 'b': missing value \('NA'\)"),
    ("a,b,kind\n1,2,x\n3,4,?\n", r"line 3, column 'kind': missing value"),
    ("a,b,kind\n1,2,x\n3,4\n", r"line 3 has 2 cells but there are 3 columns"),
    ("", r"is empty"),
    ("a,b,kind\n", r"has a header but no rows of data"),
])
def test_bad_cells_name_their_line_and_column(text, message):
    with pytest.raises(DataError, match=message):
        load_csv(io.StringIO(text))


def test_blank_lines_are_skipped_and_lines_counted_as_in_an_editor():
    with pytest.raises(DataError, match=r"line 5, column 'a'"):
        load_csv(io.StringIO("a,b\n1,2\n\n3,4\nx,5\n"))


def test_missing_values_can_drop_their_rows():
    d = load_csv(io.StringIO("a,b,kind\n1,2,x\n3,,y\n5,6,?\n7,8,y\n"), missing="drop")
    assert d.X == [[1.0, 2.0], [7.0, 8.0]] and d.y == [0, 1]
    assert "2 rows with missing values left out (lines 3, 4)" in d.description
    with pytest.raises(DataError, match="every row has a missing value"):
        load_csv(io.StringIO("a,b\n1,\n,2\n"), missing="drop")


def test_bad_arguments_are_clear(tmp_path):
    path = write(tmp_path, FLOWERS)
    with pytest.raises(DataError, match="there is no column 'colour'; the columns are: sepal length"):
        load_csv(path, target="colour")
    with pytest.raises(DataError, match=r"target=3 is not a column: the file has 3 columns"):
        load_csv(path, target=3)
    with pytest.raises(DataError, match="cannot read"):
        load_csv(str(tmp_path / "nope.csv"))
    with pytest.raises(ValueError, match="missing must be"):
        load_csv(path, missing="zero")
    with pytest.raises(ValueError, match="task must be"):
        load_csv(path, task="clustering")


def test_a_loaded_file_trains(tmp_path):
    d = load_csv(write(tmp_path, FLOWERS), target="species")
    net = Network([Dense(2, 4, "tanh"), Dense(4, 3, "softmax")], loss="cross_entropy", seed=0)
    history = net.fit(d.X, d.y, epochs=3, verbose=0)
    assert history.epochs == 3


def test_raw_csv_text_given_to_fit_points_to_load_csv():
    net = Network([Dense(2, 1, "sigmoid")], loss="logistic")
    with pytest.raises(DataTypeError, match=r"X\[0\]\[0\] is '5.1', not a number\. Text read from a CSV "
                                            r"file\? tinynet\.datasets\.load_csv"):
        net.fit([["5.1", "3.5"]], [0], epochs=1, verbose=0)
    with pytest.raises(DataTypeError, match=r"got str .*\. Text read from a CSV file"):
        net.fit("5.1,3.5\n", [0], epochs=1, verbose=0)
    with pytest.raises(DataTypeError, match=r"y\[0\].*'setosa'.*load_csv"):
        net.fit([[5.1, 3.5]], ["setosa"], epochs=1, verbose=0)


def test_train_on_a_csv_file_from_the_command_line(tmp_path, capsys):
    path = write(tmp_path, FLOWERS * 1 + "".join(FLOWERS.splitlines(True)[1:]) * 3)
    assert main(["train", "--data", path, "--target", "species", "--layers", "4", "--epochs", "2",
                 "--standardize"]) == 0
    out = capsys.readouterr().out
    assert "target 'species' (3 classes: setosa, versicolor, virginica)" in out
    assert "2 inputs → 3 outputs, loss cross_entropy" in out and "test loss" in out and "accuracy" in out
    houses = write(tmp_path, "size,rooms,price\n" + "".join(
        "{},{},{}\n".format(40 + i, 1 + i % 4, 90 + 2 * i) for i in range(12)), "houses.csv")
    assert main(["train", "--data", houses, "--target", "price", "--epochs", "2", "--lr", "0.01",
                 "--standardize"]) == 0
    out = capsys.readouterr().out
    assert "target 'price' (regression)" in out and "rmse" in out


def test_train_csv_mistakes_are_one_line(tmp_path, capsys):
    path = write(tmp_path, FLOWERS)
    assert main(["train", "--data", path, "--target", "colour"]) == 2
    assert "there is no column 'colour'" in capsys.readouterr().err
    assert main(["train", "--data", str(tmp_path / "missing.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["train", "--data", "iris", "--target", "species"]) == 2
    assert "--target and --classes are for a CSV file" in capsys.readouterr().err
    numbers = write(tmp_path, "x,grade\n" + "".join("{},{}\n".format(i, i % 2) for i in range(12)), "g.csv")
    assert main(["train", "--data", numbers, "--target", "grade", "--classes", "--epochs", "1"]) == 0
    assert "2 classes: 0, 1" in capsys.readouterr().out
