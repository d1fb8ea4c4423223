{% extends "ci_data.base.py" %}
{% block sources %}

def pipeline_data(params: dict) -> list[Source]:
    """What the data stage reads, as params.yaml says."""
    data = params["data"]
    if data["source"] == "sklearn-breast-cancer":
        return [Shipped("scikit-learn's breast cancer data")]
    return [Local("your CSV (data.source)", data["source"])]

{% endblock %}
