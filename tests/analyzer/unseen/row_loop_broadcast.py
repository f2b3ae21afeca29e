"""Centering the rows of a matrix: a Python loop over rows (two numpy calls per row, then a
stack), against one broadcast subtraction of the row means (the same arithmetic, two calls)."""
import numpy as np

CLAIM = "inlining"
SIZES = (16,)
COLS = 8


def inputs(size):
    return {"X": np.random.default_rng(size).standard_normal((size, COLS))}


def baseline(X):
    return np.array([row - row.mean() for row in X])


def optimized(X):
    return X - X.mean(axis=1, keepdims=True)
