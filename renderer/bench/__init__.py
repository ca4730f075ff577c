"""Benchmarks that print figures: ``thumbkit bench`` (render), and ``python -m renderer.bench.batch``,
``renderer.bench.cutout``, ``renderer.bench.server``, ``renderer.bench.video``."""
