"""Tests for rmsprop_lib.mlp: the softmax classifier as an objective."""

import math

import numpy as np
import pytest
from numerics import numerical_gradient

from rmsprop_lib.mlp import SoftmaxMLP, mlp_classifier


def small_dataset(n=30, features=3, classes=3, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, features))
    y = rng.integers(0, classes, n)
    y[:classes] = np.arange(classes)  # every class occurs
    return X, y


def small_mlp(**kwargs):
    X, y = small_dataset()
    return mlp_classifier(X, y, hidden=4, **kwargs)


def mlp_point(mlp, seed=3):
    """A generic parameter vector (non-zero biases, weights of order 1)."""
    return np.random.default_rng(seed).normal(scale=0.7, size=mlp.size)


# --- the network -------------------------------------------------------------------------------


def test_mlp_grad_matches_central_differences_on_leading_batch_axes():
    mlp = small_mlp(l2=0.05)
    w = np.random.default_rng(4).normal(scale=0.5, size=(2, 3, mlp.size))
    grads = mlp.grad(w)
    assert grads.shape == w.shape and mlp.value(w).shape == (2, 3)
    np.testing.assert_allclose(grads, numerical_gradient(mlp, w), rtol=1e-6, atol=1e-10)
    np.testing.assert_array_equal(grads[1, 2], mlp.grad(w[1, 2]))
    assert mlp.value(w)[1, 2] == mlp.value(w[1, 2])


def test_mlp_layout_and_initial_parameters():
    mlp = small_mlp(seed=9)
    assert mlp.size == 3 * 4 + 4 + 4 * 3 + 3 and mlp.n_classes == 3
    w = mlp.init_params()
    W1, b1, W2, b2 = mlp.unflatten(w)
    assert W1.shape == (3, 4) and W2.shape == (4, 3)
    np.testing.assert_array_equal(np.concatenate([b1, b2]), np.zeros(7))
    assert np.abs(W1).max() <= math.sqrt(6 / 7) and np.abs(W2).max() <= math.sqrt(6 / 7)
    np.testing.assert_array_equal(w, mlp.init_params(9))
    assert not np.array_equal(w, mlp.init_params(10))
    np.testing.assert_array_equal(np.concatenate([x.ravel() for x in (W1, b1, W2, b2)]), w)


def test_mlp_value_at_zero_is_log_of_class_count_and_is_stable_for_huge_logits():
    mlp = small_mlp()
    assert mlp.value(np.zeros(mlp.size)) == pytest.approx(math.log(3))
    huge = 1e4 * mlp_point(mlp)
    assert np.isfinite(mlp.value(huge)) and np.all(np.isfinite(mlp.grad(huge)))


def test_mlp_predict_and_accuracy():
    mlp = small_mlp()
    w = np.zeros(mlp.size)
    w[-3:] = [0.0, 1.0, 0.0]  # the bias b2 makes every prediction class 1
    np.testing.assert_array_equal(mlp.predict(w), np.ones(30))
    assert mlp.accuracy(w) == np.mean(mlp.y == 1)
    X, y = np.zeros((4, 3)), np.array([1, 1, 0, 2])
    assert mlp.accuracy(np.stack([w, w]), X, y).tolist() == [0.5, 0.5]
    with pytest.raises(ValueError, match="X and y must be given together"):
        mlp.accuracy(w, X)


def test_mlp_minibatches_cover_an_epoch_and_average_to_the_full_gradient():
    X, y = small_dataset(n=30)
    mlp = mlp_classifier(X, y, hidden=4, batch_size=10, seed=2)
    epoch = [mlp.minibatch_indices(t) for t in (1, 2, 3)]
    np.testing.assert_array_equal(np.sort(np.concatenate(epoch)), np.arange(30))
    assert not np.array_equal(mlp.minibatch_indices(4), epoch[0])  # a new shuffle next epoch
    np.testing.assert_array_equal(mlp.minibatch_indices(2), epoch[1])  # deterministic in t
    w = mlp_point(mlp)
    subset = mlp_classifier(X[epoch[1]], y[epoch[1]], hidden=4)
    np.testing.assert_allclose(mlp.grad(w, 2), subset.grad(w), rtol=1e-12, atol=1e-15)
    average = np.mean([mlp.grad(w, t) for t in (1, 2, 3)], axis=0)
    np.testing.assert_allclose(average, small_mlp().grad(w), rtol=1e-12, atol=1e-15)
    assert mlp.value(w, 2) == small_mlp().value(w)  # the loss is always on all the data


def test_mlp_copies_the_data_and_keeps_its_copy_read_only():
    X, y = small_dataset()
    mlp = mlp_classifier(X, y)
    assert isinstance(mlp, SoftmaxMLP)
    X[0, 0] = 123.0  # the caller's array stays writable and the objective is unaffected
    assert mlp.X[0, 0] != 123.0
    with pytest.raises(ValueError, match="read-only"):
        mlp.y[0] = 1


# --- argument validation -----------------------------------------------------------------------

X_GOOD, Y_GOOD = small_dataset()

REJECTIONS = [
    (mlp_classifier, {"X": X_GOOD, "y": Y_GOOD, "hidden": 0}, ValueError, "hidden must be >= 1"),
    (mlp_classifier, {"X": X_GOOD, "y": Y_GOOD, "seed": 1.5}, TypeError, "seed must be an integer"),
    (mlp_classifier, {"X": X_GOOD, "y": Y_GOOD, "l2": -1.0}, ValueError, "l2 must be >= 0"),
    (mlp_classifier, {"X": X_GOOD, "y": Y_GOOD, "batch_size": 0}, ValueError, "batch_size must"),
    (mlp_classifier, {"X": X_GOOD, "y": Y_GOOD, "batch_size": 31}, ValueError, "batch_size must"),
    (mlp_classifier, {"X": X_GOOD[0], "y": Y_GOOD}, ValueError, "X must be a finite"),
    (mlp_classifier, {"X": X_GOOD * np.nan, "y": Y_GOOD}, ValueError, "X must be a finite"),
    (mlp_classifier, {"X": X_GOOD.astype(str), "y": Y_GOOD}, TypeError, "X must be a real"),
    (mlp_classifier, {"X": X_GOOD, "y": Y_GOOD[:-1]}, ValueError, "y must hold 30 labels"),
    (mlp_classifier, {"X": X_GOOD, "y": Y_GOOD - 1}, ValueError, "y must hold 30 labels >= 0"),
    (mlp_classifier, {"X": X_GOOD, "y": Y_GOOD + 0.5}, TypeError, "y must hold integer"),
]


@pytest.mark.parametrize(("kwargs", "error", "match"), [entry[1:] for entry in REJECTIONS])
def test_mlp_classifier_rejects_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        mlp_classifier(**kwargs)


def test_mlp_methods_reject_bad_arguments():
    mlp = small_mlp()
    with pytest.raises(ValueError, match="w must have 31 entries"):
        mlp.value(np.zeros(30))
    with pytest.raises(ValueError, match="seed must be >= 0"):
        mlp.init_params(-1)
