{# generated from templates/_classifier/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/classifier/__init__.py: edit it there, then run `python scripts/sync_shared.py` -#}
"""Scaffold from the project template: what every classifier reports and checks.

Held-out metrics, the bootstrap interval, the majority-class baseline, the paired comparison
with each baseline, sentences about the mistakes and the data checks before training.
`mlport update` keeps these modules current; edit them if you need to, and your edits merge like
any other.
"""
