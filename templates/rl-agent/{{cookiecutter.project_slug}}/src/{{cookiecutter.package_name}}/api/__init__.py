{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/api/__init__.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""The HTTP API that serves the trained model."""
