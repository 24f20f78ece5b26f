"""Experiments: named protocols with their acceptance targets, the pipeline that runs them, data efficiency."""
