{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/reporting/__init__.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Scaffold from the project template: evaluation.json, figures, API examples, the README's page.

`mlport update` keeps these modules current; edit them if you need to, and your edits merge
like any other. What the report says comes from the stages one level up; this lays it out.
"""
