"""Numbers for the prose: rounding that any CPU reproduces, bounds for round-off, and the glue."""

import math

import myst_nb
import numpy as np
import pytest
import sympy as sp
from hypothesis import given
from hypothesis import strategies as st

from rmsprop_lib import report


@pytest.mark.parametrize(
    ("value", "digits", "expected"),
    [
        (0.002914426297454588, 4, 0.002914),  # a loss after exp/log-heavy arithmetic
        (18.999999999999996, 4, 19.0),  # 19 computed through sqrt and division
        (49.999999999999815, 4, 50.0),
        (-1.4603545088095868, 7, -1.460355),
        (0.4999999990000002, 6, 0.5),
        (1.1195437912485748e-42, 4, 1.12e-42),
        (0.2708333333333333, 1, 0.3),
        (-0.00001, 1, -1e-05),
    ],
)
def test_significant_rounds_to_the_given_digits(value, digits, expected):
    assert report.significant(value, digits) == expected


def test_neighbouring_floats_round_to_the_same_number():
    # The last-bit differences between CPUs: 0.022471481378545495 on one, ...549 on another.
    assert report.significant(0.022471481378545495) == report.significant(0.02247148137854549)
    assert report.significant(0.7272607234839087) == report.significant(0.727260723483869)
    assert repr(report.significant(0.022471481378545495)) == "0.02247"


@given(st.floats(min_value=-1e300, max_value=1e300, allow_nan=False).filter(lambda x: x != 0))
def test_rounding_error_is_at_most_half_a_unit_in_the_last_digit(x):
    rounded = report.significant(x, 4)
    unit = 10.0 ** (math.floor(math.log10(abs(x))) - 3)
    assert abs(rounded - x) <= 0.5 * unit * (1 + 1e-9) + 1e-300
    assert len(repr(abs(rounded)).split("e")[0].replace(".", "").strip("0")) <= 4


def test_exact_values_stay_exact():
    assert report.significant(123456789) == 123456789
    assert report.significant(np.int64(2**40 + 1)) == 2**40 + 1
    assert report.significant(sp.Integer(10) ** 20) == 10**20
    assert report.significant("diverged") == "diverged"
    assert report.significant(np.array([3, 5])).tolist() == [3, 5]


def test_negative_zero_becomes_zero():
    assert math.copysign(1.0, report.significant(-1e-400)) == 1.0


def test_arrays_round_element_by_element():
    rounded = report.significant(np.array([[1.23456, -9.87654e-20], [0.0, 5e5 + 0.5]]), 3)
    np.testing.assert_array_equal(rounded, [[1.23, -9.88e-20], [0.0, 5e5]])
    assert rounded.dtype == np.float64


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf, np.float64("nan")])
def test_non_finite_values_are_refused(bad):
    with pytest.raises(ValueError, match="finite"):
        report.significant(bad)
    with pytest.raises(ValueError, match="finite"):
        report.significant(np.array([1.0, bad]))


@pytest.mark.parametrize(
    ("value", "digits", "error", "message"),
    [
        (1.0, 0, ValueError, "digits must be in 1..15"),
        (1.0, 16, ValueError, "digits must be in 1..15"),
        (1.0, 2.0, TypeError, "digits must be an int"),
        (1.0, True, TypeError, "digits must be an int"),
        (True, 4, TypeError, "not a bool"),
        (None, 4, TypeError, "value must be"),
        (np.array(["a"]), 4, TypeError, "dtype"),
    ],
)
def test_bad_arguments_are_named(value, digits, error, message):
    with pytest.raises(error, match=message):
        report.significant(value, digits)


def test_below_reports_the_bound_and_checks_it():
    assert report.below(4.440892098500626e-16, 1e-14) == 1e-14
    assert report.below(-3e-16, 1e-15) == 1e-15
    with pytest.raises(ValueError, match="not below"):
        report.below(2e-14, 1e-14)
    with pytest.raises(ValueError, match="not below"):
        report.below(math.nan, 1e-14)
    with pytest.raises(ValueError, match="bound must be a positive"):
        report.below(0.0, 0.0)
    with pytest.raises(TypeError, match="value must be a real"):
        report.below("0", 1.0)


def test_glue_stores_the_rounded_value(monkeypatch):
    stored = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: stored.append((name, value)))
    report.glue("ch6_loss", 0.022471481378545495)
    report.glue("ch6_steps", np.int64(3000))
    report.glue("ch5_floor_0.003", 0.4999999990000002, digits=6)
    assert stored == [("ch6_loss", 0.02247), ("ch6_steps", 3000), ("ch5_floor_0.003", 0.5)]
    assert type(stored[1][1]) is int


def test_glue_all_glues_each_keyword_under_the_prefix(monkeypatch):
    stored = []
    monkeypatch.setattr(myst_nb, "glue", lambda name, value, display: stored.append((name, value)))
    report.glue_all("ch1_", kappa=1000.0, rate=0.998001998001998)
    assert stored == [("ch1_kappa", 1000.0), ("ch1_rate", 0.998)]
    assert report.glued("ch1_rate", ".2f") == "1.00"
    with pytest.raises(ValueError, match="name must be"):
        report.glue_all("ch1 ", kappa=1.0)
    with pytest.raises(TypeError, match="prefix must be a string"):
        report.glue_all(1, kappa=1.0)  # would glue "1kappa" silently
    assert len(stored) == 2


@pytest.mark.parametrize("name", ["", "two words", "a:b", "a`b", 3])
def test_glue_refuses_names_the_roles_cannot_use(name, monkeypatch):
    monkeypatch.setattr(myst_nb, "glue", lambda *args, **kwargs: None)
    with pytest.raises(ValueError, match="name must be"):
        report.glue(name, 1.0)


def test_a_value_that_rounds_past_the_largest_float_is_refused():
    with pytest.raises(ValueError, match="largest float"):
        report.significant(1.7976931348623157e308)


def test_a_zero_dimensional_array_comes_back_as_a_number():
    assert report.significant(np.array(0.123456)) == 0.1235
    assert type(report.significant(np.array(0.123456))) is float
    assert report.significant(np.array(7)) == 7


def test_below_needs_a_finite_bound():
    with pytest.raises(ValueError, match="positive finite"):
        report.below(1.0, math.inf)


def test_markdown_table_writes_header_rule_and_rows():
    table = report.markdown_table(["call", "$\\eta$"], [["`a`", 0.01], ("b", 2)])
    assert table == "| call | $\\eta$ |\n|---|---|\n| `a` | 0.01 |\n| b | 2 |"
    spaced = report.markdown_table(["n"], iter([[1]]), spaced_rule=True)
    assert spaced == "| n |\n| --- |\n| 1 |"
    assert report.markdown_table(["a", "b"], []) == "| a | b |\n|---|---|"
    assert report.markdown_table(["\\|g\\|"], [["x \\| y"]]).endswith("| x \\| y |")


@pytest.mark.parametrize(
    ("header", "rows", "message"),
    [
        ([], [], "at least one column"),
        ("ab", [["1", "2"]], "not a string"),
        (["a", "b"], ["xy"], "row 0 must be a sequence"),
        (["a", "b"], [["1", "2"], ["3"]], "row 1 has 1 cells, the header 2"),
        (["a"], [["1", "2"]], "row 0 has 2 cells"),
        (["a"], [["x | y"]], "unescaped"),
        (["a|b"], [["1"]], "unescaped"),
        (["a"], [["two\nlines"]], "line break"),
    ],
)
def test_markdown_table_rejects_what_would_break_the_table(header, rows, message):
    with pytest.raises(ValueError, match=message):
        report.markdown_table(header, rows)
