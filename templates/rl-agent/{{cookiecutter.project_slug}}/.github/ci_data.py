{% extends "ci_data.base.py" %}
{% block sources %}

def pipeline_data(params: dict) -> list[Source]:
    """What the data stage reads, as params.yaml says."""
    # Environments are code: Gymnasium's own, or a module of this project.
    return [Shipped(f"the environment {params['data']['env']['id']}")]

{% endblock %}
