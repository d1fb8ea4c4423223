{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/core/__init__.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Scaffold from the project template: settings, stage runner, errors, MLflow, model export.

`mlport update` keeps these modules current; edit them if you need to, and your edits merge
like any other. The ML itself lives one level up: the stages, the model code, `predict.py`.
"""
