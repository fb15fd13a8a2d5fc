# The two commands a new machine needs: `make run` and `make test`. Both set everything up first.
.PHONY: setup run test test-unit lint eval bench clean

VENV := .venv/bin

setup:
	@bash scripts/setup.sh

run: setup
	@$(VENV)/courier-aid run --stop-with-parent

test: setup
	@$(VENV)/python -m pytest -q $(PYTEST_ARGS)

test-unit: setup
	@$(VENV)/python -m pytest -q -m "not integration" $(PYTEST_ARGS)

lint: setup
	@$(VENV)/ruff check . && $(VENV)/ruff format --check . && $(VENV)/mypy && $(VENV)/lint-imports

eval: setup
	@$(VENV)/courier-aid eval ../shared/eval/dev.jsonl
	@$(VENV)/courier-aid eval ../shared/eval/real_dev.jsonl

bench: setup
	@$(VENV)/python -m bench.bot $(BENCH_ARGS)
	@$(VENV)/python -m bench.broadcast $(BROADCAST_ARGS)
	@$(VENV)/python -m bench.wecom $(WECOM_ARGS)
	@$(VENV)/python -m bench.wechat_mp_broadcast $(WECHAT_MP_BROADCAST_ARGS)

clean:
	rm -rf build models var .pytest_cache .mypy_cache .ruff_cache
