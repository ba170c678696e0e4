"""Settings for the test suite: the production settings, with a throw-away key when none is given."""
import os

# Tests sign nothing that outlives them; production reads its key from the environment.
os.environ.setdefault("ENCOURS_SECRET_KEY", "tests-only-not-a-secret-" + "k" * 40)
os.environ.setdefault("ENCOURS_HTTPS", "false")

from encours.settings import *  # noqa: E402,F403
