{% extends "ci_data.base.py" %}
{% block sources %}

def pipeline_data(params: dict) -> list[Source]:
    """What the data stage reads, as params.yaml says."""
    data = params["data"]
    # The data stage depends on data.file.path whatever the source: DVC needs it to exist.
    own = Local("the file data.file.path names", data["file"]["path"])
    if data["source"] == "imdb":
        return [Download("the IMDB reviews", data["imdb"]["url"]), own]
    return [own]

{% endblock %}
