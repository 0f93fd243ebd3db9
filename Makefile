# One command each: `make build` (set up, then build the site into build/) and
# `make test` (set up everything, browser and checkers included, then run the whole suite).
VENV   := .venv
PYTHON := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: build check serve test golden bench lighthouse clean

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check --editable '.[test]'
	$(PYTHON) -m compileall -q src  # as pip does for a regular install (even under PYTHONDONTWRITEBYTECODE)
	touch $(STAMP)

build: $(STAMP)
	$(VENV)/bin/newsgen build

check: $(STAMP)
	$(VENV)/bin/newsgen check

serve: $(STAMP)
	$(VENV)/bin/newsgen serve

test: $(STAMP)
	scripts/install-browser
	scripts/install-tools
	$(PYTHON) -m pytest -n 2 --dist loadfile  # two workers, one test file at a time each (see CONTRIBUTING.md)

golden: $(STAMP)
	$(PYTHON) tests/golden/refresh.py

# newsgen beside Pelican and Hugo on 1,000 and 10,000 articles (../shared/bench; ~15 min).
bench: $(STAMP)
	$(PYTHON) benchmarks/compare.py

# Lighthouse (npm, into .tools/lighthouse/) on Chromium, mobile preset: the sample site's home and an
# article page, whose lead images are 4000x2667 JPEGs; fails under 95 for performance.
lighthouse: $(STAMP)
	scripts/install-browser
	$(PYTHON) scripts/lighthouse

clean:
	rm -rf build $(VENV) .pytest_cache .hypothesis test-results
