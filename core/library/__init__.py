"""Library: references and their file format, recording takes, the seed import, labels, labelled takes."""
