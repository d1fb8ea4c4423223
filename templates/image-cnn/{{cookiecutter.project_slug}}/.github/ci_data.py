{% extends "ci_data.base.py" %}
{% block sources %}

def pipeline_data(params: dict) -> list[Source]:
    """What the data stage reads, as params.yaml says."""
    data = params["data"]
    if data["source"] == "sklearn-digits":
        return [Shipped("scikit-learn's handwritten digits")]
    if data["source"] == "fashion-mnist":
        return [Download("Fashion-MNIST", data["fashion_mnist"]["url"])]
    return [Local("your images (data.folder)", data["folder"])]

{% endblock %}
