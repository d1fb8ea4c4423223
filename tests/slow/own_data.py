"""Own data sets a learner might bring, built inside the tests: a passenger table, labelled texts, a
folder of digit images, a wine table with a numeric target. Each has a learnable signal, so a
quality bar on it means something."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from tests.slow import own_images

PASSENGER_TARGET = "survived"
PASSENGER_ID = "passenger_id"
TEXT_COLUMN = "sentence"
LABEL_COLUMN = "sentiment"


def passenger_table(rows: int = 1000, seed: int = 0) -> pd.DataFrame:
    """A passenger-like table: an id, categories, booleans and numbers with gaps, text labels.

    Survival depends on sex, class, age and travelling alone through a logistic model: knowing
    that model scores about 0.80 accuracy and 0.87 ROC AUC; a majority guess about 0.65.
    """
    rng = np.random.default_rng(seed)
    sex = rng.choice(["female", "male"], rows, p=[0.4, 0.6])
    pclass = rng.choice([1, 2, 3], rows, p=[0.25, 0.25, 0.5])
    age = np.clip(rng.normal(30, 13, rows), 1, 80).round(0)
    alone = rng.random(rows) < 0.55
    fare = np.round(np.exp(rng.normal(4.2 - 0.7 * pclass, 0.5)), 2)
    embarked = rng.choice(["S", "C", "Q"], rows, p=[0.7, 0.2, 0.1]).astype(object)
    logit = 1.0 + 3.0 * (sex == "female") - 1.3 * (pclass - 1) - 0.04 * (age - 30) - 0.7 * alone
    survived = rng.random(rows) < 1 / (1 + np.exp(-(logit - 1.2)))
    frame = pd.DataFrame(
        {
            PASSENGER_ID: np.arange(1, rows + 1),
            "pclass": pclass,
            "sex": sex,
            "age": age,
            "alone": alone,
            "fare": fare,
            "embarked": embarked,
            "cabin_known": (rng.random(rows) < 0.25 + 0.3 * (pclass == 1)).astype(object),
            PASSENGER_TARGET: np.where(survived, "yes", "no"),
        }
    )
    frame.loc[rng.random(rows) < 0.15, "age"] = np.nan
    frame.loc[rng.random(rows) < 0.03, "embarked"] = np.nan
    frame.loc[rng.random(rows) < 0.05, "cabin_known"] = np.nan  # a boolean with gaps
    return frame


def write_passengers(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    passenger_table().to_csv(path, index=False)
    return path


CUSTOMER_ID = "customer_id"


def customer_table(rows_per_segment: int = 150, seed: int = 0) -> pd.DataFrame:
    """An unlabelled shop's customers from four segments: an id, a category, numbers with gaps.

    The channel follows from the online share: a category that agrees with the segments.

    The segments differ in spend, visits and basket size (several standard deviations apart), so
    k-means separates them with a silhouette near 0.7 (k = 3: two store segments merge); the
    segment itself is not in the table.
    """
    rng = np.random.default_rng(seed)
    # (annual spend, visits per month, basket size, online share) of each segment
    centres = [(300, 1.0, 25, 0.9), (1200, 4.0, 25, 0.2), (2500, 2.0, 110, 0.5), (600, 8.0, 8, 0.1)]
    parts = []
    for spend, visits, basket, online in centres:
        n = rows_per_segment
        parts.append(
            pd.DataFrame(
                {
                    "annual_spend": rng.normal(spend, spend * 0.12, n).round(2),
                    "visits_per_month": np.clip(rng.normal(visits, visits * 0.15, n), 0, None),
                    "basket_size": rng.normal(basket, basket * 0.12, n).round(1),
                    "online_share": np.clip(rng.normal(online, 0.06, n), 0, 1).round(3),
                }
            )
        )
    frame = pd.concat(parts, ignore_index=True).sample(frac=1, random_state=seed)
    frame.insert(0, CUSTOMER_ID, [f"c{i:05d}" for i in range(len(frame))])
    frame["channel"] = np.where(frame["online_share"] > 0.5, "online", "store").astype(object)
    frame.loc[rng.random(len(frame)) < 0.05, "basket_size"] = np.nan
    return frame.reset_index(drop=True)


def write_customers(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    customer_table().to_csv(path, index=False)
    return path


POSITIVE = ["delightful", "great", "wonderful", "superb", "charming", "moving", "brilliant", "fun"]
NEGATIVE = ["dull", "awful", "boring", "clumsy", "tedious", "weak", "painful", "messy"]
NEUTRAL = ["the plot", "the acting", "the music", "the ending", "the cast", "the script", "it"]
FRAMES = [
    "{subject} was {word}.",
    "I thought {subject} was {word}, and {other} was {word2}.",
    "Honestly, {subject} felt {word} from start to finish.",
    "{subject} is {word} but {other} is only {filler}.",
    "What a {word} film; {subject} stays with you.",
]
FILLER = ["fine", "okay", "average", "long", "short"]


def labelled_texts(rows: int = 600, seed: int = 0, noise: float = 0.1) -> pd.DataFrame:
    """Review sentences whose label follows their opinion words, with `noise` of labels flipped."""
    rng = np.random.default_rng(seed)
    texts, labels = [], []
    for _ in range(rows):
        positive = bool(rng.random() < 0.5)
        words = POSITIVE if positive else NEGATIVE
        frame = FRAMES[rng.integers(len(FRAMES))]
        text = frame.format(
            subject=rng.choice(NEUTRAL).capitalize(),
            other=rng.choice(NEUTRAL),
            word=rng.choice(words),
            word2=rng.choice(words),
            filler=rng.choice(FILLER),
        )
        if rng.random() < noise:
            positive = not positive
        texts.append(text[0].upper() + text[1:])
        labels.append("positive" if positive else "negative")
    return pd.DataFrame({TEXT_COLUMN: texts, LABEL_COLUMN: labels})


def write_texts_tsv(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    labelled_texts().to_csv(path, sep="\t", index=False)
    return path


def write_texts_jsonl(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = labelled_texts(seed=1).to_dict(orient="records")
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def write_digit_folder(folder: Path) -> Path:
    """The realistic 28x28 digit scans of own_images.py, 150 per class, one folder per class."""
    own_images.write_digit_folder(folder, per_class=150, seed=0)
    return folder


WINE_TARGET = "alcohol"


def write_wines(path: Path, seed: int = 0) -> Path:
    """UCI's wine recognition table (it ships with scikit-learn) as a learner's CSV with a numeric
    target: 178 wines, 12 chemical measurements with a few gaps, the cultivar as text, and the
    alcohol content to predict. Real data: a cross-validated ridge model explains about 0.58 of
    the variance of alcohol, the training mean none."""
    from sklearn.datasets import load_wine

    wine = load_wine(as_frame=True)
    frame = wine.data.copy()
    frame.insert(0, "cultivar", wine.target.map(lambda code: f"cultivar {code + 1}"))
    rng = np.random.default_rng(seed)
    frame.loc[rng.random(len(frame)) < 0.05, "magnesium"] = np.nan
    frame.loc[rng.random(len(frame)) < 0.05, "cultivar"] = np.nan
    path.parent.mkdir(parents=True, exist_ok=True)
    frame.to_csv(path, index=False)
    return path
