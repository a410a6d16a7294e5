# The two commands of the README: `make book` and `make test`. Both create .venv and install on first use.
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

.PHONY: book test lint notebooks serve bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

## Build the website into _build/html; any warning or failing notebook is an error.
book: $(STAMP)
	$(BIN)/jupyter-book build . -W -n --keep-going

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

NBVAL := -p no:cacheprovider -n 2 --dist loadfile --nbval --nbval-current-env \
	--nbval-sanitize-with nbval_sanitize.cfg

## Lint, build the site, run every unit, site and notebook test (strict nbval), then the notebooks
## again under other SIMD levels and BLAS kernels (tools/check_portability.py).
test: lint book
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
