"""Dynamic programming: the cheapest monotone path through a cost grid (moves right or down).

The baseline evaluates the recurrence best(i, j) = c[i][j] + min(best(i-1, j), best(i, j-1))
by plain recursion, reaching the same cell along C(i+j, i) paths; the DP table solves
each of the n*n subproblems once.
"""
import random

CLAIM = "caching"
SIZES = (4, 6, 8)        # grid side


def inputs(size):
    rng = random.Random(size)
    return {"c": [[rng.uniform(0, 1) for _ in range(size)] for _ in range(size)]}


def best(c, i, j):
    if i == 0 and j == 0:
        return c[0][0]
    if i == 0:
        return c[0][j] + best(c, 0, j - 1)
    if j == 0:
        return c[i][0] + best(c, i - 1, 0)
    return c[i][j] + min(best(c, i - 1, j), best(c, i, j - 1))


def baseline(c):
    n = len(c)
    return best(c, n - 1, n - 1)


def optimized(c):
    n = len(c)
    table = [[None] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i == 0 and j == 0:
                table[i][j] = c[0][0]
            elif i == 0:
                table[i][j] = c[0][j] + table[0][j - 1]
            elif j == 0:
                table[i][j] = c[i][0] + table[i - 1][0]
            else:
                table[i][j] = c[i][j] + min(table[i - 1][j], table[i][j - 1])
    return table[n - 1][n - 1]
