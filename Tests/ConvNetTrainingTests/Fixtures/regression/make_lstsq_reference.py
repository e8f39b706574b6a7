"""Writes the fixtures of TableFitTests (numpy only; run by hand: python make_lstsq_reference.py).

linear.csv: 60 rows, numeric x1..x3 on different scales, a categorical `group` (a/b/c) and
y = 2 + 0.5·x1 − 0.03·x2 + 4·x3 + group effect + noise. lstsq_reference.txt: the closed-form
least-squares coefficients (numpy.linalg.lstsq) of y on [1, x1, x2, x3, group=b, group=c] —
treatment coding with `a` as the baseline, as ConvNet's preprocessing does.

logistic.csv: 80 rows, x1, x2, a categorical `site` (u/v) and a label `kind` (no/yes) drawn
from a logistic model (not separable). logistic_reference.txt: the maximum-likelihood
coefficients of log-odds(yes) on [1, x1, x2, site=v] by Newton's method (IRLS) to convergence.

multinomial.csv: 90 rows, x1, x2 and a class `species` (p/q/r). multinomial_reference.txt: the
maximum-likelihood softmax coefficients with class p as the baseline (its logit fixed at 0),
by Newton's method: the differences logit(q) − logit(p), logit(r) − logit(p) per feature.
"""
import numpy as np

rng = np.random.default_rng(14)
fmt = "%.10g"

# Linear regression.
n = 60
x1 = rng.normal(10, 3, n)
x2 = rng.normal(200, 40, n)
x3 = rng.uniform(-1, 1, n)
group = rng.choice(["a", "b", "c"], n)
effect = np.select([group == "b", group == "c"], [1.5, -0.7], 0)
y = 2 + 0.5 * x1 - 0.03 * x2 + 4 * x3 + effect + rng.normal(0, 0.5, n)
with open("linear.csv", "w") as f:
    f.write("x1,x2,x3,group,y\n")
    for row in zip(x1, x2, x3, group, y):
        f.write(",".join([fmt % row[0], fmt % row[1], fmt % row[2], row[3], fmt % row[4]]) + "\n")
# Re-read the rounded values the CSV holds so the reference is for exactly that data.
data = np.genfromtxt("linear.csv", delimiter=",", names=True, dtype=None, encoding="utf-8")
A = np.column_stack([np.ones(n), data["x1"], data["x2"], data["x3"],
                     data["group"] == "b", data["group"] == "c"]).astype(float)
beta, *_ = np.linalg.lstsq(A, data["y"].astype(float), rcond=None)
with open("lstsq_reference.txt", "w") as f:
    for name, value in zip(["(intercept)", "x1", "x2", "x3", "group=b", "group=c"], beta):
        f.write(f"{name} {value:.12g}\n")


def newton(A, Y, classes):
    """Softmax regression MLE with class 0 as baseline; Y one-hot [n, classes]."""
    n, p = A.shape
    k = classes - 1
    w = np.zeros((k, p))
    for _ in range(100):
        logits = np.column_stack([np.zeros(n), A @ w.T])
        logits -= logits.max(axis=1, keepdims=True)
        P = np.exp(logits)
        P /= P.sum(axis=1, keepdims=True)
        g = ((Y[:, 1:] - P[:, 1:]).T @ A).reshape(-1)
        H = np.zeros((k * p, k * p))
        for a in range(k):
            for b in range(k):
                wts = P[:, a + 1] * ((a == b) - P[:, b + 1])
                H[a * p:(a + 1) * p, b * p:(b + 1) * p] = -(A * wts[:, None]).T @ A
        step = np.linalg.solve(H, g)
        w -= step.reshape(k, p)
        if np.abs(step).max() < 1e-13:
            break
    return w


# Binary logistic regression.
n = 80
x1 = rng.normal(0, 1, n)
x2 = rng.normal(5, 2, n)
site = rng.choice(["u", "v"], n)
eta = -0.5 + 1.2 * x1 - 0.4 * (x2 - 5) + 0.8 * (site == "v")
kind = np.where(rng.uniform(size=n) < 1 / (1 + np.exp(-eta)), "yes", "no")
with open("logistic.csv", "w") as f:
    f.write("x1,x2,site,kind\n")
    for row in zip(x1, x2, site, kind):
        f.write(",".join([fmt % row[0], fmt % row[1], row[2], row[3]]) + "\n")
data = np.genfromtxt("logistic.csv", delimiter=",", names=True, dtype=None, encoding="utf-8")
A = np.column_stack([np.ones(n), data["x1"], data["x2"], data["site"] == "v"]).astype(float)
labels = (data["kind"] == "yes").astype(int)
w = newton(A, np.eye(2)[labels], 2)[0]
with open("logistic_reference.txt", "w") as f:
    for name, value in zip(["(intercept)", "x1", "x2", "site=v"], w):
        f.write(f"{name} {value:.12g}\n")

# Multinomial logistic regression.
n = 90
x1 = rng.normal(0, 1, n)
x2 = rng.normal(0, 1, n)
logits = np.column_stack([np.zeros(n), 0.5 + 1.0 * x1 - 0.5 * x2, -0.3 - 0.8 * x1 + 1.1 * x2])
P = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
species = np.array(["p", "q", "r"])[[rng.choice(3, p=row) for row in P]]
with open("multinomial.csv", "w") as f:
    f.write("x1,x2,species\n")
    for row in zip(x1, x2, species):
        f.write(",".join([fmt % row[0], fmt % row[1], row[2]]) + "\n")
data = np.genfromtxt("multinomial.csv", delimiter=",", names=True, dtype=None, encoding="utf-8")
A = np.column_stack([np.ones(n), data["x1"], data["x2"]]).astype(float)
labels = np.searchsorted(["p", "q", "r"], data["species"])
w = newton(A, np.eye(3)[labels], 3)
with open("multinomial_reference.txt", "w") as f:
    for c, cls in enumerate(["q", "r"]):
        for name, value in zip(["(intercept)", "x1", "x2"], w[c]):
            f.write(f"{cls} {name} {value:.12g}\n")
