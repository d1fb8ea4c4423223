"""Allow `python -m mlport`."""

from mlport.cli import main

main()
