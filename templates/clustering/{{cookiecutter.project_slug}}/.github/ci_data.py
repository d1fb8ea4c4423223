{% extends "ci_data.base.py" %}
{% block sources %}

def pipeline_data(params: dict) -> list[Source]:
    """What the data stage reads, as params.yaml says."""
    data = params["data"]
    if data["source"] == "sklearn-wine":
        return [Shipped("scikit-learn's wine data")]
    return [Local("your CSV (data.source)", data["source"])]

{% endblock %}
