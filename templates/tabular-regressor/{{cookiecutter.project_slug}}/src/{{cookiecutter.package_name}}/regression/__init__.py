"""Scaffold from the project template: what the regressor reports and checks.

The bootstrap intervals (the headline's, and the paired comparison with each baseline), the
baselines (the training mean, the best single-feature model), sentences about the errors and the
data checks before training. `mlport update` keeps these modules current; edit them if you need
to, and your edits merge like any other.
"""
