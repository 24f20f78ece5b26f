"""Training and evaluation seeds are disjoint, distinct and reproducible."""

import numpy as np

from actjepa.envs.seeds import EVALUATION_SEED_BASE, evaluation_seeds, training_seeds


def test_training_seeds_reproducible_and_distinct():
    a, b = training_seeds(3, 1000), training_seeds(3, 1000)
    np.testing.assert_array_equal(a, b)
    assert len(np.unique(a)) == 1000
    assert not np.array_equal(training_seeds(4, 1000), a)
    np.testing.assert_array_equal(training_seeds(3, 10), a[:10])


def test_training_and_evaluation_disjoint():
    evaluation = evaluation_seeds(500)
    assert evaluation.min() == EVALUATION_SEED_BASE and len(np.unique(evaluation)) == 500
    for seed in range(5):
        assert training_seeds(seed, 2000).max() < EVALUATION_SEED_BASE
        assert not np.intersect1d(training_seeds(seed, 2000), evaluation).size
