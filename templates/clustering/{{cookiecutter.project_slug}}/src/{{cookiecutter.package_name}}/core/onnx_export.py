"""Export the fitted model to ONNX (skl2onnx) and check it answers like scikit-learn.

One graph: the preprocessing, then the clusterer (k-means: distances to each centre; Gaussian
mixture: each component's probability) and, when enabled, the isolation forest. The graph starts
after imputation (onnx_feed.py fills gaps with what training learned, kept in the file's
metadata); the isolation forest takes float32, as scikit-learn's trees compare float32 values.
HDBSCAN does not convert: it has no step that assigns a new row, and skl2onnx no converter.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sklearn.mixture import GaussianMixture
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder

from ..candidates import ClusterModel
from ..config import CLUSTERS_KEY, FAMILY_KEY
from ..features import MISSING_CATEGORY, FeatureSchema
from .errors import ExportError
from .onnx_feed import ESTIMATOR_KEY, IMPUTATION_KEY, OnnxFeed
from .onnx_model import check_parity, open_session

OPSETS = {"": 17, "ai.onnx.ml": 3}
FEATURES_NAME = "features"  # the preprocessed matrix between the parts of the graph
CLUSTER_SCORES = "cluster_scores"  # k-means: distance to each centre; mixture: probabilities
ANOMALY_SCORES = "anomaly_scores"  # the isolation forest's decision function


def not_exportable(model: ClusterModel) -> str | None:
    """Why `model` has no ONNX export, or None when it converts."""
    if model.family == "hdbscan":
        return (
            "HDBSCAN has no step that assigns a new row (here: its nearest training row's "
            "cluster) and skl2onnx has no converter for it"
        )
    return None


def export_onnx(model: ClusterModel, schema: FeatureSchema, path: Path) -> None:
    """Write `model` as ONNX to `path`."""
    path.write_bytes(onnx_graph(model, schema).SerializeToString())


def _part(estimator: Any, width: int | None, tensor: Any, prefix: str):  # -> onnx.ModelProto
    import onnx
    from skl2onnx import to_onnx

    # skl2onnx's mixture converter compares the opset with a number: it takes no per-domain dict.
    opset = OPSETS[""] if isinstance(estimator, GaussianMixture) else OPSETS
    part = to_onnx(
        estimator, initial_types=[(FEATURES_NAME, tensor([None, width]))], target_opset=opset
    )
    part = onnx.compose.add_prefix(part, prefix)
    # One name for the second output: k-means calls it scores, the mixture probabilities.
    scores = part.graph.output[1]
    wanted = prefix + "scores"
    if scores.name != wanted:
        part.graph.node.append(onnx.helper.make_node("Identity", [scores.name], [wanted]))
        renamed = copy.deepcopy(scores)
        renamed.name = wanted
        part.graph.output.remove(scores)
        part.graph.output.append(renamed)
    return part


def onnx_graph(model: ClusterModel, schema: FeatureSchema):  # -> onnx.ModelProto
    """The model as one ONNX graph: one input per feature column, outputs cluster_label,
    cluster_scores and (with the anomaly detector) anomaly_scores."""
    import onnx
    from skl2onnx import to_onnx
    from skl2onnx.common.data_types import DoubleTensorType, FloatTensorType, StringTensorType

    preprocessor, imputation = _without_imputers(model.preprocessor, schema)
    inputs = [
        (f.name, DoubleTensorType([None, 1]) if f.kind == "number" else StringTensorType([None, 1]))
        for f in schema.features
    ]
    try:
        front = to_onnx(preprocessor, initial_types=inputs, target_opset=OPSETS)
        width = front.graph.output[0].type.tensor_type.shape.dim[1].dim_value or None
        parts = [(_part(model.clusterer, width, DoubleTensorType, "cluster_"), False)]
        if model.anomaly is not None:
            parts.append((_part(model.anomaly, width, FloatTensorType, "anomaly_"), True))
    except (NotImplementedError, RuntimeError, TypeError, ValueError) as error:
        raise ExportError(f"skl2onnx cannot convert this model: {error}") from error
    front = onnx.compose.add_prefix(front, "preprocess_")
    produced = front.graph.output[0].name
    # A float32 copy of the features for the isolation forest, kept as a second output.
    cast = onnx.helper.make_node(
        "Cast", [produced], [produced + "_float"], to=onnx.TensorProto.FLOAT
    )
    front.graph.node.append(cast)
    front.graph.output.append(
        onnx.helper.make_tensor_value_info(
            produced + "_float", onnx.TensorProto.FLOAT, [None, width]
        )
    )
    graph = front
    for part in [front, *(part for part, _ in parts)]:
        del part.opset_import[:]
        part.opset_import.extend(
            onnx.helper.make_opsetid(domain, version) for domain, version in OPSETS.items()
        )
    for part, single in parts:
        source = produced + "_float" if single else produced
        target = part.graph.input[0].name
        graph = onnx.compose.merge_models(graph, part, io_map=[(source, target)])
    kept = [
        output for output in graph.graph.output if output.name.startswith(("cluster_", "anomaly_"))
    ]
    del graph.graph.output[:]
    graph.graph.output.extend(kept)
    metadata = {
        IMPUTATION_KEY: json.dumps(imputation),
        ESTIMATOR_KEY: type(model.clusterer).__name__,
        FAMILY_KEY: model.family,
        CLUSTERS_KEY: json.dumps(model.clusters),
    }
    onnx.helper.set_model_props(graph, metadata)
    onnx.checker.check_model(graph)
    return graph


def run_exported(session: Any, feed: OnnxFeed, records: list[dict[str, Any]]) -> dict[str, Any]:
    """The exported graph's answer for `records`: labels, scores and anomaly scores."""
    names = [output.name for output in session.get_outputs()]
    outputs = dict(zip(names, session.run(names, feed(records)), strict=True))
    anomaly = outputs.get(ANOMALY_SCORES)
    return {
        "cluster": np.asarray(outputs["cluster_label"]).reshape(-1),
        "scores": np.asarray(outputs[CLUSTER_SCORES], dtype=np.float64),
        "anomaly_score": None if anomaly is None else -np.asarray(anomaly, np.float64).reshape(-1),
    }


def check_export(
    model: ClusterModel, schema: FeatureSchema, path: Path, features: pd.DataFrame
) -> float:
    """ExportError unless the ONNX file at `path` gives `model`'s answers on `features`."""
    session = open_session(path)
    feed = OnnxFeed.from_metadata(
        schema,
        [item.name for item in session.get_inputs()],
        session.get_modelmeta().custom_metadata_map,
    )
    typed = schema.coerce(features)
    matrix = model.transform(typed)
    exported = run_exported(session, feed, typed.to_dict(orient="records"))
    what = f"{path} on {len(typed)} held-out rows"
    if model.family == "kmeans":
        native = model.clusterer.transform(matrix)
        # Distances: the nearest centre is the cluster, as probabilities pick a class.
        difference = check_parity(-native, -exported["scores"], what=what)
    else:
        difference = check_parity(
            model.clusterer.predict_proba(matrix), exported["scores"], what=what
        )
    if model.anomaly is not None:
        native_anomaly = -model.anomaly.decision_function(matrix)
        gap = float(np.max(np.abs(native_anomaly - exported["anomaly_score"])))
        if gap > ANOMALY_ATOL:
            raise ExportError(
                f"{what}: anomaly scores differ by {gap:.1e} (tolerance {ANOMALY_ATOL:g})"
            )
        difference = max(difference, gap)
    return difference


ANOMALY_ATOL = 1e-4  # float32 trees: thresholds rounded to float32 move a score by ~1e-7


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
