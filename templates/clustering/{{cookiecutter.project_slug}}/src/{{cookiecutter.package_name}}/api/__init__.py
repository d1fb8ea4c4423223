{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/api/__init__.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Scaffold from the project template: the HTTP API that serves the trained model.

`mlport update` keeps these modules current; edit them if you need to, and your edits merge
like any other. `routes.py` and `schemas.py` shape the API's inputs and answers for this model.
"""
