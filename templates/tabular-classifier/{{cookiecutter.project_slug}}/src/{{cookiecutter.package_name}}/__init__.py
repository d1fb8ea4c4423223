{%- from "python.j2" import docstring_text -%}
"""{{ docstring_text(cookiecutter.project_name) }}.

{{ docstring_text(cookiecutter.description | wordwrap(96, break_long_words=False, break_on_hyphens=False)) }}
"""

__version__ = "0.1.0"
