"""Tests of rmsprop_lib.gradients: gradient sequences, and replaying them through run()."""

import math

import numpy as np
import pytest

from rmsprop_lib.gradients import given_gradients, gradient_sequence
from rmsprop_lib.optimizers.adagrad import adagrad
from rmsprop_lib.optimizers.rmsprop import rmsprop
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


# --- gradient sequences ------------------------------------------------------------------------


def test_gradient_sequence_models():
    np.testing.assert_array_equal(gradient_sequence("constant", 3, scale=2.0), [2.0, 2.0, 2.0])
    np.testing.assert_allclose(gradient_sequence("decaying", 3, decay=0.5), [1.0, 0.5, 0.25])
    spike = gradient_sequence("spike", 5, spike_steps=2, spike_scale=100.0, scale=1.0)
    np.testing.assert_array_equal(spike, [100.0, 100.0, 1.0, 1.0, 1.0])
    noisy = gradient_sequence("noisy", 2000, scale=1.0, noise_std=0.5, seed=4)
    assert abs(noisy.mean() - 1.0) < 0.05 and abs(noisy.std() - 0.5) < 0.05
    np.testing.assert_array_equal(noisy, gradient_sequence("noisy", 2000, noise_std=0.5, seed=4))
    assert not np.array_equal(noisy, gradient_sequence("noisy", 2000, noise_std=0.5, seed=5))


def test_gradient_sequence_shape():
    spike = gradient_sequence("spike", 4, spike_steps=1, shape=(2, 3))
    assert spike.shape == (4, 2, 3) and spike.flags.writeable
    np.testing.assert_array_equal(spike[:, 1, 2], [100.0, 1.0, 1.0, 1.0])
    assert gradient_sequence("noisy", 4, shape=(5,)).shape == (4, 5)


SEQUENCE_REJECTIONS = [
    (
        {"kind": "decaying", "steps": 3, "decay": 1.5},
        ValueError,
        "decay must be <= 1",
    ),
    (
        {"kind": "spike", "steps": 3, "spike_steps": -1},
        ValueError,
        "spike_steps",
    ),
    (
        {"kind": "spike", "steps": 3, "spike_scale": "x"},
        TypeError,
        "spike_scale",
    ),
    ({"kind": "sawtooth", "steps": 3}, ValueError, "kind must be one of"),
    ({"kind": "noisy", "steps": 0}, ValueError, "steps must be >= 1"),
    ({"kind": "decaying", "steps": 3, "decay": -0.5}, ValueError, "decay must"),
    ({"kind": "noisy", "steps": 3, "noise_std": -1}, ValueError, "noise_std"),
    ({"kind": "noisy", "steps": 3, "shape": (2.0,)}, TypeError, "shape must be"),
    ({"kind": "noisy", "steps": 3, "scale": math.inf}, ValueError, "scale must"),
    ({"kind": "noisy", "steps": 3, "seed": None}, TypeError, "seed must be"),
]


@pytest.mark.parametrize(("kwargs", "error", "match"), SEQUENCE_REJECTIONS)
def test_gradient_sequence_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        gradient_sequence(**kwargs)
