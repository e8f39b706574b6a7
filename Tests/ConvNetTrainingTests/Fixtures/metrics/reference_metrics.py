#!/usr/bin/env python3
"""Prints the numbers MetricsTests.swift asserts, computed by scikit-learn and sacrebleu.

    pip install scikit-learn sacrebleu && python3 reference_metrics.py

BLEU is sacrebleu's (no smoothing, given tokens): NLTK's corpus_bleu differs on corpora with
a sentence shorter than n, because it divides each sentence's n-gram count by max(1, count).

Run by hand (not by CI); its output is recorded in reference_metrics.txt beside it.
"""
import math

from sacrebleu.metrics import BLEU
from sklearn.metrics import mean_absolute_error, mean_squared_error, r2_score, roc_auc_score, accuracy_score

y, p = [1, 3, 5, 9], [1.5, 3, 4, 10.5]
print(f"RMSE {math.sqrt(mean_squared_error(y, p)):.16f}")
print(f"MAE {mean_absolute_error(y, p):.16f}")
print(f"R2 {r2_score(y, p):.16f}")
print(f"accuracy {accuracy_score([0, 2, 2, 1], [0, 1, 2, 1]):.16f}")
print(f"AUC sklearn-example {roc_auc_score([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]):.16f}")
print(f"AUC ties {roc_auc_score([0, 1, 1, 0, 0], [0.5, 0.5, 0.9, 0.5, 0.2]):.16f}")
print(f"AUC all-tied {roc_auc_score([1, 0, 1], [1, 1, 1]):.16f}")



def bleu(candidates, references, order=4, tokenize="none"):
    """sacrebleu's corpus BLEU in [0, 1]; references: one list of strings per reference set."""
    metric = BLEU(tokenize=tokenize, smooth_method="none", max_ngram_order=order)
    return metric.corpus_score(candidates, references).score / 100


print(f"BLEU-4 {bleu(['the cat sat on the mat', 'a dog'], [['the cat is on the mat', 'a dog runs']]):.16f}")
print(f"BLEU-3 {bleu(['the cat sat on the mat', 'a dog'], [['the cat is on the mat', 'a dog runs']], 3):.16f}")
# tokenize="zh" cuts Chinese into characters (and ignores spaces between them).
print(f"BLEU-4 chars perfect {bleu(['打开文件'], [['打开 文件']], tokenize='zh'):.16f}")
print(f"BLEU-4 chars longer {bleu(['保存文件夹'], [['保存文件']], tokenize='zh'):.16f}")
print(f"BLEU-1 clipped {bleu(['的的的的'], [['的确是的']], 1, tokenize='zh'):.16f}")
print(f"BLEU-1 closest reference {bleu(['a b c'], [['a b c d e f'], ['a b x']], 1):.16f}")
