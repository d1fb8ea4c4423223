"""The first half of the model: impute, scale and one-hot encode, fitted on the training rows.

Distances mean something only when every column is on the same scale: numbers are standardised,
text becomes one-hot columns. Saved with the model, it is applied alike in evaluation and the API.
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
                    # Dense: the clusterers and the isolation forest take a plain matrix.
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
