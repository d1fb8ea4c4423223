"""The first half of the model: impute, scale and one-hot encode, fitted inside each CV fold.

Being part of the saved pipeline, it is applied identically in training, evaluation and the API,
and it never sees the validation fold it is scored on.
"""

from __future__ import annotations

from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler

from .config import PreprocessConfig
from .features import MISSING_CATEGORY, FeatureSchema


def build_preprocessor(schema: FeatureSchema, config: PreprocessConfig) -> ColumnTransformer:
    """Numbers: median imputation, then scaling. Categories: "missing" as a category of its own
    (missingness can be informative), then one-hot; unseen categories encode as all zeros."""
    numbers = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categories = Pipeline(
        [
            ("impute", SimpleImputer(strategy="constant", fill_value=MISSING_CATEGORY)),
            (
                "one_hot",
                OneHotEncoder(
                    handle_unknown="infrequent_if_exist",
                    max_categories=config.max_categories,
                    # Dense: HistGradientBoosting does not take sparse input.
                    sparse_output=False,
                ),
            ),
        ]
    )
    transformers = []
    if schema.columns("number"):
        transformers.append(("numbers", numbers, schema.columns("number")))
    if schema.columns("category"):
        transformers.append(("categories", categories, schema.columns("category")))
    return ColumnTransformer(transformers, verbose_feature_names_out=False)
