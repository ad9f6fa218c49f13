import matplotlib
from hypothesis import settings

matplotlib.use("Agg")

# Property tests must not flake on a loaded 2-core CI machine.
settings.register_profile("dlcore", deadline=None, max_examples=150, derandomize=True)
settings.load_profile("dlcore")
