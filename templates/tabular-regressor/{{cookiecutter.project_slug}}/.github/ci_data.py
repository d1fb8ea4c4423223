{% extends "ci_data.base.py" %}
{% block sources %}

def pipeline_data(params: dict) -> list[Source]:
    """What the data stage reads, as params.yaml says."""
    data = params["data"]
    if data["source"] == "sklearn-diabetes":
        return [Shipped("scikit-learn's diabetes data")]
    return [Local("your CSV (data.source)", data["source"])]

{% endblock %}
