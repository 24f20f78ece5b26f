"""OGBench under its official protocol: regenerated datasets, trained models, every controller on the five
evaluation tasks, against the published offline goal-conditioned baselines."""
