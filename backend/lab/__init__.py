"""The training lab: runs of the zoo's classifiers started over HTTP or the command line,
trained in a process of their own, watched live, kept on disk, then served like any model."""
