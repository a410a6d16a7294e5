"""Tests of rmsprop_lib.gradients: replaying a gradient sequence through run()."""

import numpy as np
import pytest

from rmsprop_lib.gradients import given_gradients
from rmsprop_lib.objectives import gradient_sequence
from rmsprop_lib.optimizers import adagrad, rmsprop
from rmsprop_lib.runner import run


def test_run_sees_exactly_the_given_gradients() -> None:
    gradients = np.random.default_rng(0).standard_normal((20, 3))
    trajectory = run(
        adagrad(learning_rate=0.1, eps=0.0), given_gradients(gradients), np.zeros(3), 20
    )
    np.testing.assert_array_equal(trajectory.grads, gradients)
    np.testing.assert_allclose(trajectory.v, np.cumsum(gradients**2, axis=0), rtol=1e-14)


def test_loss_is_the_online_linear_loss() -> None:
    objective = given_gradients([[1.0, 2.0], [3.0, -1.0]])
    assert objective.value(np.array([1.0, 1.0]), t=2) == 2.0
    # After the last step run() asks for t = steps + 1: the last gradient is reused.
    assert objective.value(np.array([1.0, 1.0]), t=3) == 2.0


def test_one_sequence_drives_a_batch_of_optimizers() -> None:
    gradients = gradient_sequence("spike", 150, spike_steps=50, shape=(1,))
    betas = np.array([[0.5], [0.9], [0.99]])
    batched = run(
        rmsprop(learning_rate=0.01, beta=betas, eps=0.0),
        given_gradients(gradients),
        np.zeros((3, 1)),
        150,
    )
    for row, beta in enumerate(betas[:, 0]):
        single = run(
            rmsprop(learning_rate=0.01, beta=beta, eps=0.0),
            given_gradients(gradients),
            np.zeros(1),
            150,
        )
        np.testing.assert_array_equal(batched.v[:, row], single.v)


@pytest.mark.parametrize(
    ("gradients", "error"),
    [("abc", TypeError), (3.0, ValueError), (np.zeros((0, 2)), ValueError), ([np.nan], ValueError)],
)
def test_bad_gradients_are_rejected(gradients, error) -> None:
    with pytest.raises(error, match="gradients"):
        given_gradients(gradients)


def test_step_index_is_checked() -> None:
    with pytest.raises(ValueError, match="t must be"):
        given_gradients([1.0]).grad(np.zeros(1), t=0)


def test_the_sequence_is_read_only() -> None:
    objective = given_gradients([1.0, 2.0])
    with pytest.raises(ValueError, match="read-only"):
        objective.gradients[0] = 5.0
