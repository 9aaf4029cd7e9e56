"""Training the zoo's classifiers: data sets, augmentation, the loop (`python -m backend.train`)."""
