{# generated from templates/_shared/{{cookiecutter.project_slug}}/src/{{cookiecutter.package_name}}/__init__.py: edit it there, then run `python scripts/sync_shared.py` -#}
{%- from "python.j2" import escaped -%}
"""{{ escaped(cookiecutter.project_name) }}.

{{ escaped(cookiecutter.description | wordwrap(96, break_long_words=False, break_on_hyphens=False)) }}
"""

__version__ = "0.1.0"
