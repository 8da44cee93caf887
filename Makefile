# The two commands of the README: `make demo` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
OUT    ?= out/demo

.PHONY: demo test lint fuzz train norms readers clean

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11) and "Equipoise needs Python 3.11 or newer")'
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed-demo: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-demo

demo: $(VENV)/.installed-demo
	$(BIN)/equipoise analyse examples/*.txt examples/*.vtt examples/*.csv examples/*.jsonl examples/course/*.txt
	$(BIN)/equipoise analyse examples/*.txt examples/*.vtt examples/*.csv examples/*.jsonl --format html --out $(OUT)
	$(BIN)/equipoise analyse examples/*.txt examples/*.vtt examples/*.csv examples/*.jsonl --format html \
		--audience client --out $(OUT)
	$(BIN)/equipoise analyse examples/course/*.txt --course --format html --out $(OUT)/course
	$(BIN)/equipoise analyse examples/course/*.txt --course --format html --audience client --out $(OUT)/course
	@echo
	@echo "Results are in $(OUT)/: open in a browser (they work offline)"
	@echo "  therapist reports: $(OUT)/<session>.html   client versions: $(OUT)/<session>.client.html"
	@echo "  course of four sessions: $(OUT)/course/course.html (client version: course.client.html)"
	@echo "  what each number means: $(BIN)/equipoise explain"
	@echo "The web app with a demo practice (SQLite): $(BIN)/equipoise serve --demo"

test: $(VENV)/.installed-test
	$(BIN)/ruff check src tests benchmarks scripts research
	$(BIN)/python -m pytest

fuzz: $(VENV)/.installed-test
	$(BIN)/python -m pytest -m slow tests

# Rebuild the shipped models from ../shared/data: the sentence boundary and question models, then the turn labeller
train: $(VENV)/.installed-demo
	$(BIN)/python scripts/build_sentence_model.py --data ../shared/data
	$(BIN)/equipoise train --data ../shared/data

# Rebuild src/equipoise/data/norms.json (out-of-fold labels: trains the labeller five times, a few minutes)
norms: $(VENV)/.installed-demo
	$(BIN)/python scripts/build_norms.py --data ../shared/data

# Rebuild src/equipoise/data/reader_agreement.json (each lean against the doubly read validation sets; ~30 s)
readers: $(VENV)/.installed-demo
	$(BIN)/python scripts/build_reader_agreement.py

clean:
	rm -rf $(VENV) out .pytest_cache .ruff_cache .hypothesis
