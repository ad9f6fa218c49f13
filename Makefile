# The commands people type. Every target builds the virtual environment first, from
# the exact versions in requirements/lock.txt, so a fresh machine needs only Python 3.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.dlcore-installed
WIDGETS7 := $(VENV)/ipywidgets7
VENDOR := assets/vendor
VENDOR_STAMP := $(VENDOR)/static/.installed
# Keep re-execution deterministic: fixed thread counts, fixed hash seed.
export PYTHONHASHSEED := 0
export OMP_NUM_THREADS := 2
export MKL_NUM_THREADS := 2

.PHONY: help book cards pdf test nbval perturb browser colab notebooks bench lab lock clean

help:
	@echo "make book       build the HTML book into _build/html (creates $(VENV) on first use)"
	@echo "make pdf        build the PDF edition, _build/pdf/dlcore.pdf (installs TeX Live and fonts from Debian), and test it"
	@echo "make test       run every test: dlcore against its oracles, widgets, checkers, nbval on all chapters"
	@echo "make nbval NB=chapters/02_metrics.ipynb   one chapter under nbval strict, as make test runs it"
	@echo "make perturb    nbval on every chapter again with torch's kernels on other instruction sets and 1 thread"
	@echo "make browser    read the built book in headless Chromium (Debian's chromium package): math, images, widgets, links, offline"
	@echo "make colab      execute every chapter with dlcore's wheel in a Colab-like environment (requirements/colab.txt)"
	@echo "make notebooks  re-execute every chapter in place, storing outputs and widget state"
	@echo "make cards      export the interview question bank as an Anki deck (assets/cards/dlcore-interview.apkg)"
	@echo "make bench      time dlcore against PyTorch / scikit-learn, side by side (prints ratios)"
	@echo "make lab        open the chapters in JupyterLab"
	@echo "make lock       re-resolve requirements/lock.txt from pyproject.toml"

$(STAMP): requirements/lock.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/lock.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

# MathJax, RequireJS and the widgets HTML manager, served by the book itself (no CDN).
$(VENDOR_STAMP): $(VENDOR)/package-lock.json
	npm ci --prefix $(VENDOR) --no-audit --no-fund --silent
	rm -rf $(VENDOR)/static && mkdir -p $(VENDOR)/static/html-manager
	cp -r $(VENDOR)/node_modules/mathjax/es5 $(VENDOR)/static/mathjax
	cp $(VENDOR)/node_modules/requirejs/require.js $(VENDOR)/static/require.js
	cp -r $(VENDOR)/node_modules/@jupyter-widgets/html-manager/dist/. $(VENDOR)/static/html-manager/
	touch $@

book: $(STAMP) $(VENDOR_STAMP) cards
	$(BIN)/jupyter-book build . --warningiserror --keep-going
	@if [ -f _build/pdf/dlcore.pdf ]; then cp _build/pdf/dlcore.pdf _build/html/dlcore.pdf; fi
	@echo "The book is ready: open $(CURDIR)/_build/html/index.html"

# The PDF edition: the chapters executed again with vector figures, then XeLaTeX (TeX Live
# and the DejaVu and Noto CJK fonts, all Debian packages, installed here when missing),
# then pdf/test_pdf.py reads it back. A few minutes; scripts/build_pdf.py says how.
TEX_PACKAGES := texlive-xetex texlive-latex-extra texlive-fonts-recommended texlive-lang-cjk texlive-lang-chinese \
	latexmk fonts-dejavu-core fonts-noto-cjk
$(VENV)/.pdf-installed: requirements/pdf.txt $(STAMP)
	@if ! command -v xelatex >/dev/null || ! command -v latexmk >/dev/null || ! kpsewhich ctexhook.sty >/dev/null \
		|| ! fc-list | grep -q "Noto Serif CJK SC" || ! fc-list | grep -q "DejaVu Serif"; then \
		sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
		$$sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -qq --no-install-recommends $(TEX_PACKAGES) >/dev/null; \
	fi
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/pdf.txt
	touch $@

pdf: $(VENV)/.pdf-installed cards
	$(BIN)/python scripts/build_pdf.py
	$(BIN)/python -m pytest -p no:nbval -q pdf/

$(WIDGETS7)/.installed: requirements/ipywidgets7.txt $(STAMP)
	rm -rf $(WIDGETS7)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --target $(WIDGETS7) -r requirements/ipywidgets7.txt
	touch $@

# The widget tests under ipywidgets 7.7 (Colab) first, then everything under the lock's 8.
# Two pytest workers of one thread each, one file (one notebook) per worker at a time:
# about 1.6x faster on 2 cores than one process of two threads, and the stored outputs,
# made with two threads, must then reproduce with one.
PARALLEL := -n 2 --dist loadfile
ONE_THREAD := OMP_NUM_THREADS=1 MKL_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
# nbval strict on the stored outputs, masking what truly varies (tests/nbval_sanitize.cfg).
NBVAL := --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg
test: $(STAMP) $(WIDGETS7)/.installed
	$(ONE_THREAD) PYTHONPATH=$(WIDGETS7) $(BIN)/python -m pytest $(PARALLEL) -p no:nbval -q -W "ignore::DeprecationWarning" tests/*/test_viz_*.py
	$(ONE_THREAD) $(BIN)/python -m pytest $(PARALLEL) $(NBVAL) tests chapters

# One chapter (or several) under nbval strict, as `make test` runs them: make nbval NB=chapters/02_metrics.ipynb
NB ?= chapters
nbval: $(STAMP)
	$(ONE_THREAD) $(BIN)/python -m pytest -q $(NBVAL) $(NB)

# The stored outputs must not depend on the CPU that made them: every chapter again under
# nbval strict, with torch, MKL, oneDNN, numpy and OpenBLAS forced to AVX2, and again with no
# SIMD at all, each on one thread, the two at once (scripts/perturb.py says why).
perturb: $(STAMP)
	$(BIN)/python scripts/perturb.py chapters/

$(VENV)/.browser-installed: requirements/browser.txt $(STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements/browser.txt
	touch $@

# After `make book`. Needs Debian's chromium (and fonts-noto-cjk for the glossary's
# Chinese terms): `apt-get install chromium fonts-noto-cjk`. Screenshots: _build/screenshots/.
browser: $(VENV)/.browser-installed
	$(BIN)/python -m pytest -p no:nbval -q browser/

# Colab, as far as this machine can prove it: dlcore's wheel installed, with its
# dependencies, into a separate environment that holds Colab's recorded versions
# (ipywidgets 7.7.1, matplotlib 3.10, ...; torch is this machine's CPU build, the only
# one installable here). Nothing may change version, and every chapter must run
# without an error (nbval's lax mode: outputs are not compared).
COLAB_ENV := build/colab-env
colab: $(STAMP)
	rm -rf $(COLAB_ENV) build/colab-wheel
	$(BIN)/python -m pip wheel --quiet --disable-pip-version-check --no-deps --wheel-dir build/colab-wheel .
	$(PYTHON) -m venv $(COLAB_ENV)
	$(COLAB_ENV)/bin/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0" nbval pytest \
		$$($(BIN)/python scripts/check_colab_env.py --pins)
	$(COLAB_ENV)/bin/python -m pip install --quiet --disable-pip-version-check build/colab-wheel/dlcore-*.whl
	$(COLAB_ENV)/bin/python scripts/check_colab_env.py
	cd chapters && ../$(COLAB_ENV)/bin/python -m pytest -p no:cacheprovider --nbval-lax --nbval-current-env -q 0*.ipynb

notebooks: $(STAMP)
	$(BIN)/python scripts/execute_notebooks.py chapters/*.ipynb

# Ratios, not timed tests: every script in benchmarks/ prints dlcore's median time, the oracle's and their
# ratio; the rows are stored in benchmarks/results/ for the book's appendix.
# The interview question bank as an Anki deck, which the book offers for download.
cards: $(STAMP)
	$(BIN)/python scripts/question_bank.py --cards assets/cards/dlcore-interview.apkg

bench: $(STAMP)
	$(BIN)/python benchmarks/run_all.py

lab: $(STAMP)
	$(BIN)/jupyter lab chapters

lock:
	rm -rf $(VENV)-lock
	$(PYTHON) -m venv $(VENV)-lock
	$(VENV)-lock/bin/python -m pip install --quiet --disable-pip-version-check "torch==2.13.0" ".[dev]"
	{ echo "# Exact versions that CI, 'make book', 'make test' and 'make notebooks' install, so that"; \
	  echo "# the stored notebook outputs reproduce. Regenerate with 'make lock' (Python 3.11)."; \
	  $(VENV)-lock/bin/python -m pip freeze --exclude-editable | grep -v '^dlcore' | sed 's/+cpu$$//'; \
	} > requirements/lock.txt
	rm -rf $(VENV)-lock

clean:
	rm -rf _build build $(VENV) $(VENDOR)/node_modules $(VENDOR)/static
