"""Export the fitted pipeline to ONNX (skl2onnx) and check it answers like scikit-learn.

The graph starts after imputation: onnxruntime's Imputer works in float32 and knows no missing
text, so onnx_feed.py fills gaps with the medians and the category stored in the file's metadata.
Preprocessing runs in float64 like scikit-learn; the regressor takes float64 (ridge) or, for
trees, float32 cast from it, as scikit-learn's trees compare float32 values. A model fitted on
log(1 + target) ends in exp(x) - 1, as TransformedTargetRegressor answers. The one output,
`prediction`, is float64.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import TransformedTargetRegressor
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from ..features import MISSING_CATEGORY, FeatureSchema
from .errors import ExportError
from .onnx_feed import ESTIMATOR_KEY, IMPUTATION_KEY, OnnxFeed
from .onnx_model import open_session

OPSETS = {"": 17, "ai.onnx.ml": 3}
FEATURES_NAME = "features"  # the preprocessed matrix between the two halves of the graph
OUTPUT_NAME = "prediction"
# Largest difference allowed between the two models' predictions, relative to the prediction's
# size (at least 1): trees sum float32 leaf values in onnxruntime, float64 in scikit-learn.
PARITY_RTOL = 1e-5


def export_onnx(model: Pipeline, schema: FeatureSchema, path: Path) -> None:
    """Write `model` as ONNX to `path`."""
    path.write_bytes(onnx_graph(model, schema).SerializeToString())


def onnx_graph(model: Pipeline, schema: FeatureSchema):  # -> onnx.ModelProto
    """The pipeline as one ONNX graph: one input per feature column, one output `prediction`."""
    import onnx
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType, StringTensorType

    preprocessor, imputation = _without_imputers(model[0], schema)
    inputs = [
        (f.name, DoubleTensorType([None, 1]) if f.kind == "number" else StringTensorType([None, 1]))
        for f in schema.features
    ]
    try:
        front = to_onnx(preprocessor, initial_types=inputs, target_opset=OPSETS)
        estimator, log_scale = _regressor(model[-1])
        width = front.graph.output[0].type.tensor_type.shape.dim[1].dim_value or None
        tensor = DoubleTensorType if _compares_doubles(estimator) else FloatTensorType
        with _integer_missing_flags():
            back = to_onnx(
                estimator,
                initial_types=[(FEATURES_NAME, tensor([None, width]))],
                target_opset=OPSETS,
            )
    except (NotImplementedError, RuntimeError, TypeError, ValueError) as error:
        raise ExportError(f"skl2onnx cannot convert this model: {error}") from error
    # Distinct names on each side of the join, and one operator set version per domain.
    front = onnx.compose.add_prefix(front, "preprocess_")
    produced = front.graph.output[0].name
    if tensor is FloatTensorType:  # scikit-learn's trees compare float32 values
        cast = onnx.helper.make_node(
            "Cast", [produced], [produced + "_float"], to=onnx.TensorProto.FLOAT
        )
        front.graph.node.append(cast)
        front.graph.output[0].name = produced + "_float"
        front.graph.output[0].type.tensor_type.elem_type = onnx.TensorProto.FLOAT
        produced += "_float"
    for part in (front, back):
        del part.opset_import[:]
        part.opset_import.extend(
            onnx.helper.make_opsetid(domain, version) for domain, version in OPSETS.items()
        )
    graph = onnx.compose.merge_models(front, back, io_map=[(produced, FEATURES_NAME)])
    _finish_output(graph, log_scale)
    metadata = {IMPUTATION_KEY: json.dumps(imputation), ESTIMATOR_KEY: estimator_name(model)}
    onnx.helper.set_model_props(graph, metadata)
    onnx.checker.check_model(graph)
    return graph


def check_export(
    model: Pipeline, schema: FeatureSchema, path: Path, features: pd.DataFrame
) -> float:
    """ExportError unless the ONNX file at `path` gives `model`'s predictions on `features`;
    returns the largest relative difference."""
    session = open_session(path)
    feed = OnnxFeed.from_metadata(
        schema,
        [item.name for item in session.get_inputs()],
        session.get_modelmeta().custom_metadata_map,
    )
    typed = schema.coerce(features)
    native = model.predict(typed)
    records = typed.to_dict(orient="records")
    exported = session.run([OUTPUT_NAME], feed(records))[0]
    return check_predictions(native, exported, what=f"{path} on {len(records)} held-out rows")


def check_predictions(native: np.ndarray, exported: np.ndarray, *, what: str) -> float:
    """The largest difference between two prediction arrays, relative to each prediction's size
    (at least 1); ExportError when it exceeds PARITY_RTOL."""
    native = np.asarray(native, dtype=np.float64).ravel()
    exported = np.asarray(exported, dtype=np.float64).ravel()
    if native.shape != exported.shape:
        raise ExportError(
            f"{what}: the ONNX model answers {exported.size} values, the trained one {native.size}"
        )
    scale = np.maximum(1.0, np.abs(native))
    difference = float(np.max(np.abs(native - exported) / scale)) if native.size else 0.0
    if not difference <= PARITY_RTOL:  # also catches NaN
        raise ExportError(
            f"{what}: the ONNX model's predictions differ from the trained model's by up to "
            f"{difference:.3g} (relative; tolerance {PARITY_RTOL:g}); the export is not kept"
        )
    return difference


def estimator_name(model: Pipeline) -> str:
    """The regressor's class, and the log scale when it is fitted on log(1 + target)."""
    estimator, log_scale = _regressor(model[-1])
    return type(estimator).__name__ + (" on log(1 + target)" if log_scale else "")


def _regressor(estimator):  # -> (fitted regressor, fitted on the log scale)
    if isinstance(estimator, TransformedTargetRegressor):
        return getattr(estimator, "regressor_", estimator.regressor), True
    return estimator, False


def _finish_output(graph, log_scale: bool) -> None:
    """Turn the regressor's output into `prediction`: float64, (rows,), exp(x) - 1 on the log
    scale."""
    import onnx
    from onnx import TensorProto, helper

    produced = graph.graph.output[0].name
    nodes = [helper.make_node("Cast", [produced], ["as_double"], to=TensorProto.DOUBLE)]
    last = "as_double"
    if log_scale:
        one = helper.make_tensor("one", TensorProto.DOUBLE, [], [1.0])
        graph.graph.initializer.append(one)
        nodes += [
            helper.make_node("Exp", [last], ["exponent"]),
            helper.make_node("Sub", ["exponent", "one"], ["expm1"]),
        ]
        last = "expm1"
    shape = helper.make_tensor("flat", TensorProto.INT64, [1], [-1])
    graph.graph.initializer.append(shape)
    nodes.append(helper.make_node("Reshape", [last, "flat"], [OUTPUT_NAME]))
    graph.graph.node.extend(nodes)
    del graph.graph.output[:]
    graph.graph.output.append(
        helper.make_tensor_value_info(OUTPUT_NAME, onnx.TensorProto.DOUBLE, [None])
    )


def _without_imputers(preprocessor, schema: FeatureSchema):  # -> (ColumnTransformer, dict)
    """A copy of the fitted preprocessor minus its imputers, and what they would fill in."""
    copied = copy.deepcopy(preprocessor)
    medians: dict[str, float] = {}
    category = MISSING_CATEGORY
    rare: dict[str, dict[str, Any]] = {}
    steps = []
    for name, transformer, columns in copied.transformers_:
        if isinstance(transformer, Pipeline) and transformer.steps[0][0] == "impute":
            imputer = transformer.steps[0][1]
            if name == "numbers":
                medians |= dict(zip(columns, map(float, imputer.statistics_), strict=True))
            else:
                category = str(imputer.fill_value)
            rest = transformer[1:]
            transformer = rest.steps[0][1] if len(rest.steps) == 1 else rest
        if isinstance(transformer, OneHotEncoder):
            transformer, groups = _plain_encoder(transformer, columns)
            rare |= groups
        steps.append((name, transformer, columns))
    copied.transformers_ = steps
    numbers = set(schema.columns("number"))
    if set(medians) != numbers:
        unknown = sorted(numbers - set(medians))
        raise ExportError(f"no median learned for the number column(s) {unknown}")
    return copied, {"medians": medians, "category": category, "rare": rare}


def _plain_encoder(
    encoder: OneHotEncoder, columns: list[str]
) -> tuple[OneHotEncoder, dict[str, dict[str, Any]]]:
    """An encoder skl2onnx converts, with the same output columns as `encoder`.

    skl2onnx cannot convert a group of rare ("infrequent") categories: where a column has one,
    the copy knows a single rare category in the group's place, and the feed sends it for every
    category outside the frequent ones (rare or unseen), as scikit-learn encodes them alike.
    Elsewhere unseen text encodes as zeros, as in scikit-learn.
    """
    import numpy as np

    groups = getattr(encoder, "infrequent_categories_", None) or [None] * len(columns)
    categories, rare = [], {}
    for column, known, infrequent in zip(columns, encoder.categories_, groups, strict=True):
        if infrequent is None or not len(infrequent):
            categories.append(list(known))
            continue
        frequent = [c for c in known if c not in set(infrequent)]
        categories.append([*frequent, infrequent[0]])
        rare[column] = {"known": [str(c) for c in frequent], "as": str(infrequent[0])}
    plain = OneHotEncoder(
        categories=categories, handle_unknown="ignore", sparse_output=False, dtype=encoder.dtype
    )
    longest = max(len(group) for group in categories)
    rows = [[group[min(i, len(group) - 1)] for group in categories] for i in range(longest)]
    plain.fit(np.array(rows, dtype=object))
    return plain, rare


def _compares_doubles(estimator) -> bool:
    """Linear models work in float64 in scikit-learn; trees compare float32."""
    return not hasattr(estimator, "estimators_") and not hasattr(estimator, "_predictors")


@contextlib.contextmanager
def _integer_missing_flags() -> Iterator[None]:
    """skl2onnx 1.20 gives HistGradientBoosting's leaves a Python bool where onnx wants an int."""
    from skl2onnx.common import tree_ensemble

    original = tree_ensemble.add_node

    def add_node(*args, nodes_missing_value_tracks_true=0, **kwargs):
        flag = int(nodes_missing_value_tracks_true)
        return original(*args, nodes_missing_value_tracks_true=flag, **kwargs)

    tree_ensemble.add_node = add_node
    try:
        yield
    finally:
        tree_ensemble.add_node = original
