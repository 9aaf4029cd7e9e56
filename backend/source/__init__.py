"""The code behind each model: the lecture notes' own code for the seed's networks, the
project's builder source for the rest, and which lines made each summary row."""
