"""After the browser test: where the screenshots are, so that CI's log points at them."""

import time
from pathlib import Path

SCREENSHOTS = Path(__file__).resolve().parent.parent / "_build" / "screenshots"
_START = time.perf_counter()


def pytest_terminal_summary(terminalreporter):
    shots = sorted(SCREENSHOTS.glob("*.png"))
    if shots:
        terminalreporter.write_sep("-", f"{len(shots)} page screenshots in {SCREENSHOTS}")
        for shot in shots:
            terminalreporter.write_line(str(shot))
    terminalreporter.write_line(f"browser test: {time.perf_counter() - _START:.0f} s")
