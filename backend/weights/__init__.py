"""Trained weights: the checkpoints shipped with the code, and the command that fetches,
imports and removes the others (`python -m backend.weights`, see __main__.py).

This folder holds the shipped checkpoints themselves (`simplecnn.pt`, with `simplecnn.json`
saying how it was made); `backend.serving.weights` finds and validates them at start-up.
Published ImageNet weights come from `sources.py`, stream in through `download.py` and are
installed into WEIGHTS_DIR by `install.py`; `jobs.py` runs the same download for the page.
"""
