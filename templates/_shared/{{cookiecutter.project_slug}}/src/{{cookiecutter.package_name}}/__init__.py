{%- from "python.j2" import escaped -%}
"""{{ escaped(cookiecutter.project_name) }}.

{{ escaped(cookiecutter.description | wordwrap(96, break_long_words=False, break_on_hyphens=False)) }}
"""

__version__ = "0.1.0"
