# The commands of the README: `make book`, `make pdf` and `make test`. Each creates .venv and installs on
# first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
PORT   ?= 8000

# One BLAS thread everywhere: the same floating-point sums on every machine (strict nbval compares
# the notebooks' printed numbers), and no thread oversubscription on small CI machines.
export OMP_NUM_THREADS := 1
export OPENBLAS_NUM_THREADS := 1
export MKL_NUM_THREADS := 1

.PHONY: book pdf test lint notebooks serve bench clean lab trust

# The install also sets JupyterLab up for the course: the settings override saves widget state
# with a notebook (a reopened notebook shows its experiments' pictures, not "model not found")
# and turns the news pop-up off; and the course's own notebooks are trusted, so their animations
# play before they are run.
$(STAMP): requirements.txt pyproject.toml tools/jupyterlab/overrides.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.txt
	mkdir -p $(VENV)/share/jupyter/lab/settings
	cp tools/jupyterlab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	$(BIN)/jupyter trust chapters/*.ipynb appendix/*.ipynb
	touch $(STAMP)

## Trust the notebooks again: trust is kept per notebook content (in the user's Jupyter data
## folder), so notebooks changed since the install (a git pull) need it.
trust: $(STAMP)
	$(BIN)/jupyter trust chapters/*.ipynb appendix/*.ipynb

## Open the course in JupyterLab, set up as above.
lab: trust
	$(BIN)/jupyter lab --ip=127.0.0.1

## Build the website into _build/html; any warning or failing notebook is an error.
book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going

## Print the whole course to one PDF, _build/pdf/rmsprop-course.pdf, from the single-page build in
## _build/singlehtml (the site in _build/html is not touched). Needs Debian's chromium and poppler-utils.
pdf: $(STAMP)
	$(BIN)/jupyter-book build . --builder singlehtml -W -n --keep-going
	$(BIN)/python tools/print_pdf.py _build/singlehtml/intro.html _build/pdf/rmsprop-course.pdf

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# A kernel that takes over a minute to start (seen once, on a busy machine) is slow, not broken.
NBVAL := -p no:cacheprovider -n 2 --dist loadfile --nbval --nbval-current-env \
	--nbval-sanitize-with nbval_sanitize.cfg --nbval-kernel-startup-timeout 300

## Lint, build the site and the PDF, run every unit, site, PDF and notebook test (strict nbval), then
## the notebooks again under other SIMD levels and BLAS kernels (tools/check_portability.py).
## Outside CI, without Chromium, the PDF is not built and its test skips.
test: lint book
	if [ -n "$$CI" ] || command -v chromium >/dev/null; then $(MAKE) pdf; fi
	$(BIN)/pytest -v $(NBVAL) --cov=rmsprop_lib --cov-report=term-missing tests chapters appendix
	$(BIN)/python tools/check_portability.py -v $(NBVAL) chapters appendix

## Re-execute every chapter in place, each in a fresh kernel, so the stored outputs are current.
notebooks: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py chapters/*.ipynb appendix/*.ipynb

serve: book
	$(BIN)/python -m http.server --bind 127.0.0.1 --directory _build/html $(PORT)

bench: $(STAMP)
	for script in benchmarks/bench_*.py; do $(BIN)/python "$$script" || exit 1; done

clean:
	rm -rf _build
