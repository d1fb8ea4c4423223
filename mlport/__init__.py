"""mlport: generate portfolio-grade machine-learning projects from Cookiecutter templates."""

__version__ = "0.1.0"
